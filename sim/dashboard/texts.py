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
        "Choose up to four designs (the first is the baseline), edit any lever or uncertainty "
        "of the design being edited, and run paired replications: replication r uses the same "
        "random seed in every design, batched as python run.py compare batches them, so the "
        "same settings give the command line's numbers. Levers change the design being edited; "
        "an uncertainty you change applies to every design.",
        "选择最多四个方案（第一个为基准），编辑当前方案的任意政策杠杆或不确定因素，然后运行配对重复："
        "第 r 次重复在所有方案中使用相同的随机种子，并与 python run.py compare 相同地分批运行，"
        "因此相同设置给出与命令行相同的结果。政策杠杆只改变当前编辑的方案；修改的不确定因素作用于所有方案。",
    ),
    "designs": ("Designs (1 is the baseline)", "方案（1 为基准）"),
    "design_n": ("Design {n}", "方案 {n}"),
    "no_design": ("(none)", "（无）"),
    "name_placeholder": ("name (optional)", "名称（可选）"),
    "editing": ("Edit the parameters of", "编辑参数的方案"),
    "levers": ("Levers of the design being edited", "当前方案的政策杠杆"),
    "uncertainties": (
        "Uncertainties (a change applies to every design)",
        "不确定因素（修改作用于所有方案）",
    ),
    "search": ("Find a parameter", "查找参数"),
    "search_placeholder": ("e.g. review, budget, leader", "例如 审核、预算、领导"),
    "reset": ("Reset edits", "撤销修改"),
    "save_design": ("Save design (.yaml)", "保存方案（.yaml）"),
    "load_design": ("Load design (.yaml)", "载入方案（.yaml）"),
    "choose_first": (
        "Design {n} is empty; choose a design for it first.",
        "方案 {n} 为空，请先选择方案。",
    ),
    "refused_file": ("Not loaded or saved: {error}", "未能载入或保存：{error}"),
    "loaded": (
        "Loaded {name} as design {n} ({base} with the file's values).",
        "已将 {name} 载入为方案 {n}（{base} 加文件中的参数值）。",
    ),
    "saved": (
        "Saved {name}: run it with python run.py compare (it extends its design).",
        "已保存 {name}：可用 python run.py compare 运行。",
    ),
    "tab_compare": ("Compare designs", "方案比较"),
    "tab_sweep": ("One-parameter sweep", "单参数扫描"),
    "sweep_intro": (
        "Run one design at evenly spaced values of one parameter (the same paired seeds at "
        "every value) and see an outcome at the last month, mean and 95% CI.",
        "在单个参数的等距取值上运行一个方案（每个取值使用相同的配对随机种子），"
        "查看期末结果指标的均值和 95% 置信区间。",
    ),
    "sweep_parameter": ("Parameter", "参数"),
    "sweep_design": ("Design swept", "扫描的方案"),
    "sweep_from": ("From", "从"),
    "sweep_to": ("To", "到"),
    "sweep_points": ("Points", "取值个数"),
    "sweep_run": ("Run sweep", "运行扫描"),
    "sweep_title": (
        "{design}: {n} paired replications per value",
        "{design}：每个取值 {n} 次配对重复",
    ),
    "mean": ("Mean", "均值"),
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
    "sec_forest": ("Effects of each design against the baseline", "各方案相对基准方案的效应"),
    "sec_network": (
        "Data-sharing network of replication 0 of the last design",
        "最后一个方案第 0 次重复的数据共享网络",
    ),
    "h_design": ("Design", "方案"),
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
