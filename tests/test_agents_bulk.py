"""Agents created in bulk (``sim.model.agents.create_in_bulk``) are Mesa's ordinary agents."""

import logging

import mesa

from sim.model import agents as agents_module
from sim.model.agents import Department, Leader
from sim.model.governance import GovernanceModel


def _registry(model):
    return [
        (a.unique_id, type(a).__name__, {k: v for k, v in vars(a).items() if k != "model"})
        for a in model.agents
    ], {cls.__name__: [a.unique_id for a in s] for cls, s in model.agents_by_type.items()}


def test_bulk_registration_equals_one_by_one(monkeypatch):
    bulk = GovernanceModel(rng=3, n_departments=12, n_jurisdictions=2)
    monkeypatch.setattr(agents_module, "_can_register_in_bulk", lambda model, cls: False)
    single = GovernanceModel(rng=3, n_departments=12, n_jurisdictions=2)
    assert _registry(bulk) == _registry(single)
    assert bulk.agent_id_counter == single.agent_id_counter
    assert all(a.model is bulk for a in bulk.agents)
    # Agents created later (one by one) continue the ids.
    extra = Department(bulk, 0)
    assert extra.unique_id == bulk.agent_id_counter - 1 == len(bulk.agents)


def test_bulk_agents_behave_like_agents():
    model = GovernanceModel(rng=1, n_departments=10)
    dept = model.departments[3]
    assert isinstance(dept, Department) and dept.index == 3 and dept.jurisdiction == 0
    assert dept.budget == float(model.balance[3])
    assert isinstance(dept.head, Leader) and not dept.head.is_top
    assert model.top_leaders[0].is_top
    assert len(model.agents_by_type[Department]) == model.n_dept
    dept.remove()
    assert dept not in model.agents and dept not in model.agents_by_type[Department]


def test_bulk_falls_back_when_something_listens():
    model = mesa.Model(rng=1)
    assert agents_module._can_register_in_bulk(model, Department)
    logger = logging.getLogger("MESA.mesa.model")
    level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        assert not agents_module._can_register_in_bulk(model, Department)
    finally:
        logger.setLevel(level)

    class Listener:
        def __init__(self):
            self.seen = 0

        def added(self, signal):
            self.seen += 1

    listener = Listener()
    signals = mesa.experimental.mesa_signals
    model.observe("agents", signals.ModelSignals.AGENT_ADDED, listener.added)
    assert not agents_module._can_register_in_bulk(model, Department)
    agents_module.create_in_bulk(Department, model, index=range(2), jurisdiction=[0, 0])
    assert listener.seen == 2  # each agent announced, as Mesa does


def test_collector_paused_only_for_many_agents_and_restored():
    import gc

    assert gc.isenabled()
    with agents_module.collector_paused(agents=10):
        assert gc.isenabled()
    with agents_module.collector_paused(agents=agents_module.PAUSE_GC_FROM):
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with agents_module.collector_paused(agents=10**6):
            assert not gc.isenabled()
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()
