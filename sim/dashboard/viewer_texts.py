"""Texts of the run viewer ("Watch one run") in English and Chinese.

Same scheme as ``sim.dashboard.texts``: key -> (English, Chinese); a key not
here falls back to the dashboard's texts and then to ``sim.reporting.i18n``.
"""

from __future__ import annotations

from typing import Any

from sim.dashboard import texts
from sim.reporting import i18n

TEXT: dict[str, tuple[str, str]] = {
    "nav_compare": ("Compare designs", "比较方案"),
    "nav_watch": ("Watch one run", "观察一次运行"),
    "v_title": ("Watch one run, month by month", "逐月观察一次运行"),
    "v_intro": (
        "One run of one design with one seed (the run 'compare --batch 1' gives the "
        "replication with this seed). Each department is a node of six squares, one per "
        "common capability, coloured by what serves that need; lines are data-sharing links "
        "made so far. Play, pause or step through the months.",
        "以一个随机种子运行一个方案一次（与 compare --batch 1 中该种子的那次重复相同）。"
        "每个部门是由六个方块组成的节点，每个方块代表一项共性能力，颜色表示满足该需求的途径；"
        "连线为截至当月已建立的数据共享关系。可播放、暂停或逐月查看。",
    ),
    "v_scenario": ("Design", "方案"),
    "v_seed": ("Seed", "随机种子"),
    "v_months": ("Months", "月数"),
    "v_government": ("Government", "政府"),
    "v_load": ("Run and record", "运行并记录"),
    "v_play": ("▶ Play", "▶ 播放"),
    "v_pause": ("■ Pause", "■ 暂停"),
    "v_step": ("▷ Step", "▷ 下一月"),
    "v_download": ("Download the records (zip)", "下载记录（zip）"),
    "v_month": ("Month {month} of {months}", "第 {month} 月 / 共 {months} 月"),
    "v_loaded": (
        "{scenario}, seed {seed}: {months} months, {rows:,} agent records, run and recorded "
        "in {seconds:.1f} s",
        "{scenario}，随机种子 {seed}：{months} 个月，{rows:,} 条主体记录，"
        "运行并记录用时 {seconds:.1f} 秒",
    ),
    "v_bad_input": (
        "Not run: the seed must be a whole number from 0 to {max_seed:,} and the months "
        "from {low} to {high}.",
        "未运行：随机种子须为 0 至 {max_seed:,} 的整数，月数须为 {low} 至 {high}。",
    ),
    "v_failed": ("The run failed: {error}", "运行失败：{error}"),
    "v_sec_network": ("Departments and what serves each need", "各部门及其需求的满足途径"),
    "v_sec_queues": ("Queues of the governance bodies", "治理机构的待办队列"),
    "v_sec_platforms": ("Shared platforms", "共享平台"),
    "v_sec_time": ("Over the run", "整个运行期间"),
    "v_outcome": ("Outcome", "结果指标"),
    "v_needs_axis": ("Needs by route", "各途径的需求数"),
    "v_queue_axis": ("In the queue", "队列中数量"),
    "v_progress_axis": ("Progress of construction", "建设进度"),
    "v_no_platform": ("No shared platform planned yet", "尚未规划共享平台"),
    "v_users": ("{users} users", "{users} 个用户"),
    "v_lead": ("co-built (lead {lead})", "共建（牵头部门 {lead}）"),
    "v_center": ("center", "技术服务中心"),
    "v_department": ("Department {department}", "部门 {department}"),
    "v_registry": ("holds a base registry", "持有基础信息库"),
    "v_not_served": ("service not started yet", "尚未开始服务"),
    "v_served": ("served", "已服务"),
    "v_government_n": ("Government {government}", "政府 {government}"),
    # What serves a need (sim.model.snapshot.ROUTES).
    "route_own": ("Own system", "自建系统"),
    "route_platform": ("Center's platform", "中心共享平台"),
    "route_cobuilt": ("Co-built platform", "共建平台"),
    "route_peer": ("Peer's system", "借用其他部门系统"),
    "route_proposed": ("Own system proposed or being built", "自建系统审批或建设中"),
    "route_waiting": ("Waiting for a platform", "等待平台"),
    "route_open": ("Undecided", "尚未决定"),
    "route_not_arisen": ("Not needed yet", "尚无需求"),
    # Queues (sim.model.snapshot.QUEUES).
    "queue_signoff": ("Proposals in sign-off", "会签中的项目申请"),
    "queue_review": ("Waiting for review", "等待审核"),
    "queue_coordination": ("Open coordination cases", "未结协调事项"),
    "queue_center_plan": ("Platforms planned, not started", "已规划未开工的平台"),
    "queue_construction": ("Department projects being built", "在建部门项目"),
    # Platform states.
    "state_planned": ("planned", "已规划"),
    "state_building": ("being built", "建设中"),
    "state_operating": ("operating", "运行中"),
}


def t(key: str, lang: str = "en", **values: Any) -> str:
    """Return a viewer text (else a dashboard or interface text).

    Args:
        key: A key of ``TEXT``, of ``sim.dashboard.texts.TEXT`` or of ``sim.reporting.i18n``.
        lang: ``en`` or ``zh``.
        **values: Values of the ``{name}`` fields.
    """
    if key not in TEXT:
        return texts.t(key, lang, **values)
    en, zh = TEXT[key]
    return (zh if i18n.check_lang(lang) == "zh" else en).format(**values)


def capability_label(name: str, lang: str = "en") -> str:
    """A common capability's name in ``lang`` (from ``sim.reporting.i18n`` where it has one)."""
    key = f"cap_{name}"
    if key in CAPABILITIES:
        en, zh = CAPABILITIES[key]
        return zh if i18n.check_lang(lang) == "zh" else en
    return name.replace("_", " ")


#: The common capabilities of ``sim.model.capabilities`` ([001][002]).
CAPABILITIES: dict[str, tuple[str, str]] = {
    "cap_office_automation": ("Office automation", "办公自动化"),
    "cap_private_network": ("Private network", "电子政务专网"),
    "cap_data_center": ("Data center", "数据中心"),
    "cap_pki_ca": ("PKI / CA", "PKI/CA 认证"),
    "cap_portal": ("Portal", "门户网站"),
    "cap_shared_resource_database": ("Shared resource database", "共享资源数据库"),
}
