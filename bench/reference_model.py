"""The project's own minimal Mesa reference model: Boltzmann wealth exchange.

Each agent gives one unit of wealth to a random other agent, if it has any.
The benchmark measures its cost per agent-step on the same machine in the
same process, so that every speed figure of the governance model can be
read as a ratio against plain Mesa.
"""

from __future__ import annotations

import mesa


class WealthAgent(mesa.Agent):
    """An agent with some wealth that it gives away one unit at a time."""

    def __init__(self, model: BoltzmannWealth) -> None:
        super().__init__(model)
        self.wealth = 1

    def step(self) -> None:
        """Give one unit to a random other agent."""
        if self.wealth > 0:
            other = self.random.choice(self.model.agent_list)
            other.wealth += 1
            self.wealth -= 1


class BoltzmannWealth(mesa.Model):
    """N agents exchanging wealth at random, activated in random order."""

    def __init__(self, n_agents: int = 1000, rng: int | None = None) -> None:
        super().__init__(rng=rng)
        WealthAgent.create_agents(self, n_agents)
        self.agent_list = list(self.agents)

    def step(self) -> None:
        """One round: every agent acts once, in random order."""
        self.agents.shuffle_do("step")
