"""Texts of the dashboard in English and Chinese (charts use ``sim.reporting.i18n``)."""

from __future__ import annotations

from typing import Any

from sim.reporting import i18n

#: Dashboard texts: key -> (English, Chinese).
TEXT: dict[str, tuple[str, str]] = {
    "title": (
        "E-government governance: interactive comparison",
        "电子政务建设治理模式：交互式比较",
    ),
    "intro": (
        "Pick a baseline and a compared design, move the levers (they change the compared "
        "design) and the key uncertainties (they change the world of both designs), and run "
        "paired replications: replication r uses the same random seed in both designs.",
        "选择基准方案和比较方案，调整政策杠杆（作用于比较方案）和关键不确定因素（同时作用于两个方案），"
        "然后运行配对重复：两个方案的第 r 次重复使用相同的随机种子。",
    ),
    "baseline": ("Baseline design", "基准方案"),
    "compared": ("Compared design", "比较方案"),
    "levers": ("Levers of the compared design", "比较方案的政策杠杆"),
    "uncertainties": ("Key uncertainties (both designs)", "关键不确定因素（两个方案）"),
    "replications": ("Paired replications", "配对重复次数"),
    "months": ("Months per run", "每次运行的月数"),
    "run": ("Run", "运行"),
    "download": ("Download the results folder (zip)", "下载结果文件夹（zip）"),
    "language": ("Language", "语言"),
    "progress": ("{done} of {total} runs", "已完成 {done} / {total} 次运行"),
    "finished": (
        "{total} runs in {seconds:.1f} s (seeds from root {seed}, {batch} replications per "
        "model, as run.py compare)",
        "共 {total} 次运行，用时 {seconds:.1f} 秒（根随机种子 {seed}，每个模型 {batch} 次重复，"
        "与 run.py compare 相同）",
    ),
    "cancel": ("Cancel", "取消"),
    "cancelled": ("The run was cancelled.", "运行已取消。"),
    "refused": ("Not run: {error}", "未运行：{error}"),
    "stale": (
        "These results are from earlier settings (the current ones have not run).",
        "以下结果来自先前的设置（当前设置尚未运行）。",
    ),
    "waiting": ("Not run yet.", "尚未运行。"),
    "failed": ("The run failed: {error}", "运行失败：{error}"),
    "outcome": ("Outcome over time", "随时间变化的结果指标"),
    "sec_time": (
        "Outcomes over time (mean and 95% band)",
        "结果指标随时间的变化（均值及 95% 区间）",
    ),
    "sec_paired": ("Paired differences at the last month", "期末配对差异"),
    "sec_forest": ("Effects of the compared design", "比较方案的效应"),
    "sec_network": ("Data-sharing network of replication 0", "第 0 次重复的数据共享网络"),
    "h_difference": ("Difference (95% CI)", "差异（95% 置信区间）"),
    "h_p": ("p-value", "p 值"),
}


def t(key: str, lang: str = "en", **values: Any) -> str:
    """Return a dashboard text (or an interface text of ``sim.reporting.i18n``).

    Args:
        key: A key of ``TEXT`` or of ``sim.reporting.i18n.TEXT``.
        lang: ``en`` or ``zh``.
        **values: Values of the ``{name}`` fields.

    Returns:
        The text in the language.
    """
    if key not in TEXT:
        return i18n.t(key, lang, **values)
    en, zh = TEXT[key]
    return (zh if i18n.check_lang(lang) == "zh" else en).format(**values)
