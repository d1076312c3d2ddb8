"""The main report's headline section: at the defaults and over the plausible space.

Reads the record ``headline.json`` of a results folder
(``sim.reporting.headline_space``) and renders: the verdict at the defaults
(the paired difference and its 95% CI), the headline sentence ("centralized
better on cost per service month in X% [95% CI over worlds] of sampled
worlds, ..."), the shares by government size, what such a share means, the
drivers, the PRIM boxes of the worlds where the design is worse, what was not
explored and why, and where the numbers come from.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

from sim.analysis.headline import HEADLINE, headline_text
from sim.reporting import i18n
from sim.reporting.style import format_number

#: Texts of the section (English, Chinese).
TEXT: dict[str, tuple[str, str]] = {
    "title": ("The headline: where is the {design} design better?", "要点：{design}在何处更优？"),
    "defaults": (
        "At the defaults ({reference} as the baseline):",
        "默认参数下（以{reference}为基准）：",
    ),
    "better": ("better", "更优"),
    "worse": ("worse", "更差"),
    "unclear": ("no clear difference", "无明显差异"),
    "space": ("Over the plausible space:", "在合理参数空间中："),
    "band": ("government size (departments)", "政府规模（部门数）"),
    "all": ("all sampled worlds", "全部抽样世界"),
    "small": ("small", "小"),
    "middle": ("middle", "中"),
    "large": ("large", "大"),
    "worlds": ("worlds", "世界数"),
    "band_line": (
        "{band} ({low}–{high} departments, {n} worlds): {shares}",
        "{band}（{low}–{high} 个部门，{n} 个世界）：{shares}",
    ),
    "better_col": ("{design} better on {outcome}", "{design}在{outcome}上更优"),
    "worse_note": (
        "In brackets: the 95% Wilson interval over the sampled worlds. Worse (the complement, "
        "less exact ties) is in headline.csv, beside the same shares by band.",
        "方括号内为各抽样世界上的 95% Wilson 区间。更差的比例（"
        "补集，除去恰好相等者）见 headline.csv。",
    ),
    "drivers": ("Drivers", "驱动因素"),
    "drivers_note": (
        "Parameters that most drive the paired difference of the design against the reference "
        "({method}); score beside the noise floor.",
        "对该体制与参照体制配对差异影响最大的参数（{method}）；分数旁为噪声底线。",
    ),
    "no_drivers": ("none above the noise floor", "无高于噪声底线者"),
    "largest": ("the largest", "最大者"),
    "boxes": (
        "PRIM boxes: where the design is worse",
        "PRIM 盒子：该体制更差之处",
    ),
    "no_box": ("no box ({why})", "无盒子（{why}）"),
    "box": (
        "box {box}: coverage {coverage}, density {density}, mass {mass}: {limits}",
        "盒子 {box}：覆盖率 {coverage}，密度 {density}，质量 {mass}：{limits}",
    ),
    "held": (
        "Not explored ({n}), each with its reason:",
        "未探索的参数（{n} 个）及原因：",
    ),
    "source_run": (
        "Source: this run explored {worlds} worlds (Latin hypercube over {sampled} parameters, "
        "each over its declared plausible range) with {replications} paired replications each, "
        "from {file} (seed {seed}); the runs are in space/ ({elapsed} s).",
        "来源：本次运行在 {worlds} 个世界上探索"
        "（{sampled} 个参数在其声明的合理范围内的拉丁超立方抽样），"
        "每个世界 {replications} 次配对重复，依据 {file}（种子 "
        "{seed}）；运行结果在 space/（{elapsed} 秒）。",
    ),
    "source_folder": (
        "Source: the discovery folder {folder} ({worlds} worlds over {sampled} parameters, "
        "{replications} paired replications each, from {file}; git {git}).",
        "来源：情景发现文件夹 {folder}（{sampled} 个参数上的 {worlds} 个世界，每个世界 "
        "{replications} 次配对重复，依据 {file}；git {git}）。",
    ),
    "missing": (
        "Over the plausible space: not explored in this run. The main job (python run.py) "
        "explores it; add --space N (sampled worlds) or --space-from DIR (a finished "
        "run.py discover folder) to compare.",
        "合理参数空间：本次运行未探索。主任务（python run.py）会探索；"
        "可为 compare 加上 --space N（抽样世界数）或 --space-from "
        "DIR（已完成的 run.py discover 文件夹）。",
    ),
    "meaning": (
        "A share here is a share of sampled worlds: of the points drawn uniformly from the "
        "declared plausible ranges, the fraction where the mean paired difference favours the "
        "{design} design. It is not a probability that the real world favours it: it depends on "
        "the ranges (widen one and the share moves), and the interval says only how well the "
        "sampled worlds pin down the share of that space.",
        "这里的比例是抽样世界的比例：在从声明的合理范围中均匀抽取的点中，平均配对差值有利于{design}的点所占比例。"
        "它不是现实世界有利于该体制的概率：它取决于范围（放宽一个范围，比例就会变化），"
        "区间只说明抽样世界对该空间中比例的确定程度。",
    ),
}

_PRIM_WHY = {
    "worse_nowhere": ("worse in no sampled world", "在任何抽样世界中都不更差"),
    "worse_everywhere": ("worse in every sampled world", "在所有抽样世界中都更差"),
    "no_region": (
        "the worse worlds form no region PRIM can box",
        "更差的世界不构成 PRIM 可框定的区域",
    ),
}


def _t(key: str, lang: str, **values: Any) -> str:
    en, zh = TEXT[key]
    return (zh if lang == "zh" else en).format(**values)


def _e(value: Any) -> str:
    return html.escape(str(value))


def _pct(value: Any) -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return "–"
    return f"{v:.0%}" if math.isfinite(v) else "–"


def _num(value: Any) -> str:
    try:
        return format_number(float(value))
    except (TypeError, ValueError):
        return "–"


def _defaults(record: Mapping[str, Any], reference: str, lang: str) -> str:
    rows = record.get("defaults") or []
    if not rows:
        return ""
    parts = []
    for r in rows:
        parts.append(
            f"{i18n.outcome_label(r['outcome'], lang)}: {_t(r['verdict'], lang)} "
            f"({_num(r['mean_difference'])} [{_num(r['ci_low'])}, {_num(r['ci_high'])}])"
        )
    return (
        f"<p><strong>{_e(_t('defaults', lang, reference=reference))}</strong> "
        + _e("; ".join(parts))
        + "</p>\n"
    )


def _shares_table(record: Mapping[str, Any], design: str, lang: str) -> str:
    shares = record.get("shares") or []
    bands = list(dict.fromkeys(r["band"] for r in shares))
    head = [_t("band", lang), _t("worlds", lang)] + [
        _t("better_col", lang, design=design, outcome=i18n.outcome_label(o, lang)) for o in HEADLINE
    ]
    rows = []
    for band in bands:
        mine = {r["outcome"]: r for r in shares if r["band"] == band}
        any_row = next(iter(mine.values()))
        label = _t(band, lang) if band in ("all", "small", "middle", "large") else band
        if band != "all" and any_row.get("band_low") is not None:
            label += f" ({int(any_row['band_low'])}–{int(any_row['band_high'])})"
        cells = [
            f"{_pct(mine[o]['share_better'])} [{_pct(mine[o]['better_low'])}–"
            f"{_pct(mine[o]['better_high'])}]"
            if o in mine
            else "–"
            for o in HEADLINE
        ]
        rows.append(
            f"<tr><td>{_e(label)}</td><td class='num'>{int(any_row['worlds'])}</td>"
            + "".join(f"<td class='num'>{_e(c)}</td>" for c in cells)
            + "</tr>"
        )
    header = "".join(f"<th>{_e(h)}</th>" for h in head)
    return f"<table id='headline-shares'><tr>{header}</tr>{''.join(rows)}</table>\n"


def _driver_text(driver: Mapping[str, Any]) -> str:
    """``name score [low, high] (floor f)``; without the interval for feature scores."""
    low, high = driver.get("ci_low"), driver.get("ci_high")
    known = all(isinstance(v, int | float) and math.isfinite(v) for v in (low, high))
    interval = f" [{_num(low)}, {_num(high)}]" if known else ""
    floor = _num(driver["noise_floor"])
    return f"{driver['parameter']} {_num(driver['score'])}{interval} (floor {floor})"


def _drivers(record: Mapping[str, Any], lang: str) -> str:
    found = record.get("drivers") or []
    method = found[0]["method"] if found else "extra-trees feature score above its noise floor"
    items = []
    for outcome in HEADLINE:
        mine = [d for d in found if d["outcome"] == outcome]
        if mine and not any(d.get("above_floor", True) for d in mine):
            largest = ", ".join(_driver_text(d) for d in mine)
            text = f"{_t('no_drivers', lang)} ({_t('largest', lang)}: {largest})"
        else:
            text = ", ".join(_driver_text(d) for d in mine) or _t("no_drivers", lang)
        items.append(f"<li>{_e(i18n.outcome_label(outcome, lang))}: {_e(text)}</li>")
    return (
        f"<h3>{_e(_t('drivers', lang))}</h3>\n<p class='note'>"
        f"{_e(_t('drivers_note', lang, method=method))}</p>\n<ul>{''.join(items)}</ul>\n"
    )


def _boxes(record: Mapping[str, Any], lang: str) -> str:
    boxes = record.get("boxes") or []
    prim = {r["outcome"]: r for r in record.get("prim") or []}
    items = []
    for outcome in HEADLINE:
        mine = [b for b in boxes if b["outcome"] == outcome]
        if not mine:
            result = (prim.get(outcome) or {}).get("prim", "no_region")
            en, zh = _PRIM_WHY.get(result, _PRIM_WHY["no_region"])
            text = _t("no_box", lang, why=zh if lang == "zh" else en)
        else:
            lines = []
            for number in dict.fromkeys(b["box"] for b in mine):
                rows = [b for b in mine if b["box"] == number]
                first = rows[0]
                limits = "; ".join(
                    f"{r['parameter']} {_num(r['low'])}–{_num(r['high'])}" for r in rows
                )
                lines.append(
                    _t(
                        "box",
                        lang,
                        box=int(number),
                        coverage=_num(first["coverage"]),
                        density=_num(first["density"]),
                        mass=_num(first["mass"]),
                        limits=limits,
                    )
                )
            text = " | ".join(lines)
        items.append(f"<li>{_e(i18n.outcome_label(outcome, lang))}: {_e(text)}</li>")
    return f"<h3>{_e(_t('boxes', lang))}</h3>\n<ul>{''.join(items)}</ul>\n"


def _source(record: Mapping[str, Any], lang: str) -> str:
    src = record.get("source") or {}
    values = {
        "worlds": src.get("worlds"),
        "sampled": len(src.get("sampled") or []),
        "replications": src.get("replications"),
        "file": src.get("discovery_file"),
        "seed": src.get("root_seed"),
        "elapsed": src.get("elapsed_seconds"),
        "folder": src.get("folder"),
        "git": src.get("git") or "–",
    }
    key = "source_run" if src.get("kind") == "explored by this run" else "source_folder"
    held = src.get("not_explored") or []
    items = "".join(f"<li><code>{_e(n)}</code> = {_e(v)}: {_e(r)}</li>" for n, v, r in held)
    return (
        f"<p class='note'>{_e(_t(key, lang, **values))}</p>\n"
        f"<details><summary>{_e(_t('held', lang, n=len(held)))}</summary><ul>{items}</ul>"
        "</details>\n"
    )


def headline_section(
    record: Mapping[str, Any] | None, names: Sequence[str], lang: str = "en"
) -> str:
    """The HTML of the headline section (or, without a record, how to get one).

    Args:
        record: ``headline.json`` of the results folder, or None.
        names: The scenarios compared, baseline first.
        lang: ``en`` or ``zh``.
    """
    design = str(record.get("design")) if record else (names[1] if len(names) > 1 else "")
    reference = names[0] if names else ""
    if not record:
        return f"<p class='note'>{_e(_t('missing', lang))}</p>\n"
    sentence = headline_text(_frame(record), "all", lang, design)
    body = [
        _defaults(record, reference, lang),
        f"<p><strong>{_e(_t('space', lang))}</strong> <span id='headline-sentence'>"
        f"{_e(sentence)}</span>.</p>\n",
        _shares_table(record, design, lang),
        f"<p class='note'>{_e(_t('worse_note', lang))}</p>\n",
        f"<p id='headline-meaning'>{_e(_t('meaning', lang, design=design))}</p>\n",
        _drivers(record, lang),
        _boxes(record, lang),
        _source(record, lang),
    ]
    return "".join(body)


def section_title(record: Mapping[str, Any] | None, names: Sequence[str], lang: str) -> str:
    """The section's heading."""
    design = str(record.get("design")) if record else (names[1] if len(names) > 1 else "")
    return _t("title", lang, design=design)


def _frame(record: Mapping[str, Any]) -> Any:
    import pandas as pd

    return pd.DataFrame(record.get("shares") or [])


def headline_lines(record: Mapping[str, Any], names: Sequence[str], lang: str = "en") -> str:
    """The headline as printed after the main job's table."""
    import textwrap

    design = str(record.get("design"))
    frame = _frame(record)
    lines = [_t("title", lang, design=design)]
    head = headline_text(frame, "all", lang, design)
    lines += textwrap.wrap(head, 77, initial_indent="  ", subsequent_indent="    ")
    for band in ("small", "middle", "large"):
        rows = frame[frame["band"] == band] if len(frame) else frame
        if not len(rows):
            continue
        first = rows.iloc[0]
        shares = ", ".join(
            f"{i18n.outcome_label(r.outcome, lang)} {_pct(r.share_better)} "
            f"[{_pct(r.better_low)}–{_pct(r.better_high)}]"
            for r in rows.itertuples()
        )
        text = _t(
            "band_line",
            lang,
            band=_t(band, lang),
            low=int(first["band_low"]),
            high=int(first["band_high"]),
            n=int(first["worlds"]),
            shares=shares,
        )
        lines += textwrap.wrap(text, 77, initial_indent="  ", subsequent_indent="    ")
    lines += textwrap.wrap(_t("meaning", lang, design=design), 77, initial_indent="  ",
                           subsequent_indent="  ")  # fmt: skip
    return "\n".join(lines)
