"""Translations of every user-facing text of charts, tables and reports.

Two languages: ``en`` (the default) and ``zh`` (simplified Chinese, the
language of the source papers and of most users). Scenario names stay as they
are (they are file names). Scenario descriptions come from ``description`` or
``description_zh`` of their files (``scenario_description``); parameters have
Chinese labels (``PARAMETERS_ZH`` in ``parameter_labels.py``,
``parameter_label``); sources show paper titles instead of seed file names
(``source_text``, table in ``sources.py``).

``t(key, lang, **values)`` returns an interface string; ``outcome_label``,
``outcome_unit`` and ``outcome_description`` the texts of an outcome declared
in ``sim.model.outcomes``; ``unit`` translates a unit of measurement.
"""

from __future__ import annotations

from typing import Any

from sim.reporting.parameter_labels import PARAMETERS_ZH
from sim.reporting.sources import with_titles

#: Supported languages; the first is the default.
LANGS: tuple[str, ...] = ("en", "zh")

#: Value of the HTML ``lang`` attribute per language.
HTML_LANG: dict[str, str] = {"en": "en", "zh": "zh-CN"}

#: Chinese label, unit and description of each outcome (English in sim/model/outcomes.py).
OUTCOMES_ZH: dict[str, tuple[str, str, str]] = {
    "n_redundant_common_systems": (
        "冗余公共系统",
        "个",
        "每个政府每项公共能力超出一套的系统实例数（部门自建系统加运行中的共享平台，"
        "每个政府每项能力减去一套）。",
    ),
    "n_redundant_across_levels": (
        "跨层级重复系统",
        "个",
        "上级政府已建有同类系统（自建系统或平台）的情况下，下级政府仍建有的系统实例数；"
        "单一层级运行时恒为 0。",
    ),
    "n_common_systems": (
        "公共能力系统实例",
        "个",
        "部门自建的公共能力系统与运行中的共享平台之和。",
    ),
    "duplication_rate": (
        "重复建设率",
        "比例",
        "冗余实例数与已满足的公共需求（部门 × 公共能力）数之比："
        "按已交付能力计的重复建设，排队或等待中的需求不会拉低它。",
    ),
    "cum_duplicate_projects": (
        "重复建设项目（累计）",
        "个",
        "在已有同类系统的情况下仍建成的部门自建公共系统。",
    ),
    "duplicative_investment_share": (
        "潜在重复投资占比",
        "比例",
        "本月在用系统（部门自建公共系统、补充系统和并行保留的旧系统、运行中的平台、业务系统）中"
        "属于重复组的比例：与本级政府另一系统共同提供的子功能占两者合计子功能的比例超过"
        "重叠阈值（同一公共能力，或同一职能类别的业务系统）。"
        "按 GAO-12-241 的口径计量（810 项中 37 项，4.6%）：存量，重复组的每个成员都计入。",
    ),
    "duplicative_common_share": (
        "公共系统潜在重复占比",
        "比例",
        "仅限公共能力（GAO-12-241 的口径：人力资源、信息技术和供应链管理等支撑职能）"
        "的潜在重复投资占比：本月在用的公共能力系统（部门自建系统、补充系统、并行保留的旧系统、"
        "运行中的平台）中属于本级政府重复组的比例，重复组每个成员都计入，不含业务系统。"
        "GAO 只在部门内部查找重复，故一个 GAO 部门对应模型中的一个政府。",
    ),
    "common_instances_per_need": (
        "每项公共需求的系统数",
        "个/项需求",
        "在用的公共能力系统（部门自建系统和运行中的平台）数除以迄今出现的公共需求数："
        "各部门各建一套时接近 1（山东 2017 年前每个省直部门各有专网、机房和邮件系统），"
        "少数平台服务所有部门时接近 0。",
    ),
    "systems_per_department": (
        "部门平均系统数",
        "个/部门",
        "本月在用系统（部门自建公共系统、补充系统和并行保留的旧系统、运行中的平台、业务系统）数除以部门数："
        "即政务信息系统清查所计的数量（武汉 2020 年审计：90 家市直预算单位已建成 637 个系统）。",
    ),
    "cum_systems_retired": (
        "退役系统（累计）",
        "个",
        "已停用的部门自建公共系统：到达使用寿命，或被平台、他部门系统或新的自建系统取代。",
    ),
    "duplicate_project_share": (
        "重复项目占比",
        "比例",
        "已满足的公共需求中，以自建本级政府已有的重复系统来满足者所占比例（按已交付服务计）："
        "少建设（例如审核机构人手不足）不会降低它。第25号议题之前为已建成的公共能力系统中重复者"
        "所占比例，即 GAO-12-241 所称“可能重复”的投资。",
    ),
    "n_redundant_data_collections": (
        "重复数据采集",
        "项",
        "通过重新采集其他部门已掌握的数据来满足的数据需求。",
    ),
    "cum_redundant_spending": (
        "冗余支出（累计）",
        "预算单位",
        "用于重复建设项目和重复采集数据的资金。",
    ),
    "data_sharing_rate": (
        "数据共享率",
        "比例",
        "已产生的数据需求中通过部门间数据共享得到满足的比例。",
    ),
    "sharing_gap": (
        "共享缺口",
        "比例",
        "已产生的数据需求中本可通过共享满足、但尚未共享的比例。",
    ),
    "n_sharing_links": (
        "共享关系",
        "部门对",
        "通过共享数据或共用系统相互联系的部门对数。",
    ),
    "platform_adoption_rate": (
        "平台采用率",
        "比例",
        "已产生的公共需求中由共享平台提供支撑的比例。",
    ),
    "common_standard_share": (
        "统一标准覆盖率",
        "比例",
        "系统符合统一技术标准的部门所占比例。",
    ),
    "n_platforms_operating": (
        "运行中的共享平台",
        "个",
        "技术服务中心建成并投入运行的共享平台数。",
    ),
    "capability_coverage": (
        "需求满足率",
        "比例",
        "已产生的公共需求和业务需求中已得到满足的比例。",
    ),
    "mean_months_to_service": (
        "服务交付时间",
        "月",
        "从需求产生到获得服务的平均月数；尚未满足的需求按其已持续的月数计入（截尾），"
        "因此长期搁置的需求会拉高该值。",
    ),
    "n_unfinished_projects": (
        "未完工的“胡子工程”",
        "个",
        "在建且已停滞至少 stall_months 个月的项目。",
    ),
    "cum_abandoned_projects": (
        "中途废弃项目（累计）",
        "个",
        "因领导更替或机构调整而中止的项目，以及长期无进展而被撤销的技术服务中心平台。",
    ),
    "project_failure_share": (
        "失败项目占比",
        "比例",
        "已有结局的项目中失败者所占比例：中途废弃，或停滞未完成达 stall_months 个月以上；"
        "分母为已建成、已废弃或如此停滞的项目（仍在正常推进的项目暂不计入）。"
        "对应 Heeks（2003）的“完全失败”（“建成后立即弃用”未计量）。",
    ),
    "project_partial_failure_share": (
        "部分失败项目占比",
        "比例",
        "已有结局的项目（分母同失败项目占比）中建成但严重延误者所占比例：部门项目曾有至少 "
        "stall_months 个月资金不足所需一半（“胡子工程”）而最终建成。对应 Heeks（2003）的"
        "“部分失败”中模型能计量的一种（交付远落后于计划）；功能缩水或建成不用未计量，"
        "共享平台不计延误，故为其下限。",
    ),
    "cum_vanity_projects": (
        "形象工程（累计）",
        "个",
        "仅因部门负责人偏好显示度而选择建设、并已建成的自建系统。",
    ),
    "cum_services_delivered": (
        "已交付跨部门协同服务（累计）",
        "项",
        "所有相关部门均已接入的跨部门协同服务。",
    ),
    "joint_service_rate": (
        "跨部门协同服务交付率",
        "比例",
        "已产生的跨部门协同服务中已交付的比例。",
    ),
    "cum_spending": (
        "总支出（累计）",
        "预算单位",
        "全部支出：项目建设、平台、接入、数据采集与接口，推进办公室、协调机构和技术服务中心的人员，以及系统和平台的运行维护。",
    ),
    "cum_governance_cost": (
        "治理成本（累计）",
        "预算单位",
        "审查办公室、协调机构和技术服务中心的人员经费（计入总支出）。",
    ),
    "cum_operation_cost": (
        "运行维护（累计）",
        "预算单位",
        "已建成系统和运行中平台的运行维护费用（计入总支出）。",
    ),
    "cum_service_months": (
        "已提供服务（累计）",
        "需求·月",
        "各项需求（公共与业务）已获得服务的月数之和，扣除平台故障以及部门系统运维欠费"
        "造成的服务中断（期望值）。",
    ),
    "cost_per_service_month": (
        "每服务月成本",
        "预算单位/需求·月",
        "总支出除以已提供的服务月数（至少为1）：最终的底线指标。未交付任何服务的运行计入全部支出。",
    ),
    "spending_per_capability": (
        "每项已满足需求的支出",
        "预算单位",
        "总支出除以已满足的需求数。",
    ),
    "review_queue_length": (
        "待审项目队列",
        "项申请",
        "审核机构队列中等待审核的项目申请数。",
    ),
    "mean_review_wait_months": (
        "审核等待时间",
        "月",
        "经审核的项目申请在队列中平均等待的月数。",
    ),
    "cum_proposals_redirected": (
        "经审核改为复用的申请（累计）",
        "项申请",
        "被审核叫停、改由已有系统或平台满足需求的项目申请。",
    ),
    "cum_coordination_cases_opened": (
        "启动的协调事项（累计）",
        "件",
        "协调机构启动的事项（数据共享调解、跨部门协同服务）。",
    ),
    "cum_coordination_cases_resolved": (
        "达成一致的协调事项（累计）",
        "件",
        "以达成一致告终的协调事项。",
    ),
    "staff_bill_paid_share": (
        "人员经费支付比例",
        "比例",
        "审核办公室、协调机构和技术服务中心的人员经费中已支付的比例（未发生经费时为1）；"
        "机构只按已支付的比例工作。",
    ),
    "platform_upkeep_paid_share": (
        "平台运维费支付比例",
        "比例",
        "运行中共享平台的运维费用中已支付的比例（未发生费用时为1）；欠费的平台更易停摆。",
    ),
    "system_upkeep_paid_share": (
        "系统运维费支付比例",
        "比例",
        "部门自建系统的运维费用中已支付的比例（未发生费用时为1）；欠费的系统会损失服务。",
    ),
    "staff_capacity_worked_share": (
        "机构实际工作能力比例",
        "比例",
        "审核办公室、协调机构和技术服务中心的名义能力（按人员经费计）中实际工作的比例："
        "已支付且未处于机构调整期（未发生经费时为1）。",
    ),
    "mean_review_capacity_worked": (
        "实际审核能力",
        "每月申请数",
        "每个政府每月实际可用的平均审核能力（审核能力乘以人员经费支付比例，机构调整期为0）。",
    ),
    "approval_bypass_share": (
        "未批先建的申请比例",
        "比例",
        "已提交的建设申请中，部门在等待审批超过耐心期限后撤回、未经批准自行建设者所占比例。",
    ),
    "cum_platforms_dropped_stalled": (
        "因停滞撤销的平台（累计）",
        "个",
        "长期无进展而被技术服务中心撤销的平台（也计入中途废弃项目）。",
    ),
}

#: Chinese units of measurement (outcomes and parameters).
UNITS_ZH: dict[str, str] = {
    "systems": "个",
    "share": "比例",
    "projects": "个",
    "collections": "项",
    "budget units": "预算单位",
    "department pairs": "部门对",
    "platforms": "个",
    "months": "月",
    "services": "项",
    "proposals": "项申请",
    "cases": "件",
    "probability": "概率",
    "probability per month": "每月概率",
    "probability per project": "每个项目的概率",
    "governments": "个政府",
    "departments": "个部门",
    "departments per government": "每个政府的部门数",
    "bodies": "个机构",
    "needs": "项需求",
    "needs per department per run": "每部门每次运行的需求数",
    "needs per department-year": "每部门每年的需求数",
    "services per department-year": "每部门每年的服务数",
    "budget units per department-year": "每部门每年的预算单位",
    "cases per month per government": "每个政府每月的事项数",
    "proposals per month per government": "每个政府每月的申请数",
    "months per body": "每个机构的月数",
    "platform projects at once": "同时在建的平台项目数",
    "multiples of system_cost": "system_cost 的倍数",
    "share of system_cost": "占 system_cost 的比例",
    "per unit adopted share": "每单位采用比例",
    "utility units": "效用单位",
    "1/utility unit": "1/效用单位",
    "log-sd": "对数标准差",
}

#: Interface strings: key -> (English, Chinese). ``{name}`` fields are filled by ``t``.
TEXT: dict[str, tuple[str, str]] = {
    # charts
    "month": ("month", "月份"),
    "mean_ci": ("mean and {level} CI", "均值及{level}置信区间"),
    "ci": ("{level} CI", "{level}置信区间"),
    "ci_band": ("{name} {level} CI", "{name} {level}置信区间"),
    "hover_mean": (
        "{name}: %{{y:.3g}} ({level} CI %{{customdata[0]:.3g}} to %{{customdata[1]:.3g}}, "
        "n=%{{customdata[2]}})",
        "{name}：%{{y:.3g}}（{level}置信区间 %{{customdata[0]:.3g}} 至 %{{customdata[1]:.3g}}，"
        "n=%{{customdata[2]}}）",
    ),
    "distribution_title": (
        "Final value of each run, per scenario",
        "各方案每次运行的期末值",
    ),
    "distribution_note": ("one point per replication", "每个点代表一次重复运行"),
    "forest_title": (
        "Effect of each design compared with {baseline} at the last month",
        "各方案相对于 {baseline} 的效应（期末）",
    ),
    "forest_note": (
        "paired difference and {level} CI, in standard deviations; 0 = no difference",
        "配对差异及{level}置信区间，以标准差为单位；0 表示无差异",
    ),
    "forest_axis": (
        "paired difference (scenario − baseline), in pooled standard deviations",
        "配对差异（方案 − 基准），以合并标准差为单位",
    ),
    "forest_hover": (
        "{name} − {baseline}: {diff} {unit} ({level} CI {low} to {high})",
        "{name} − {baseline}：{diff} {unit}（{level}置信区间 {low} 至 {high}）",
    ),
    "forest_axis_native": (
        "paired difference (scenario − baseline)",
        "配对差异（方案 − 基准）",
    ),
    "no_variation": ("no variation", "无变异"),
    "forest_beyond": ("{sd:+.0f} SD", "{sd:+.0f} 个标准差"),
    "forest_capped": (
        "; axis capped at ±{cap} SD: a triangle marks an effect beyond it",
        "；坐标轴截断于 ±{cap} 个标准差，三角形表示超出该范围的效应",
    ),
    "sweep_title": ("{label} against {param}", "{label}随 {param} 的变化"),
    "heatmap_title": ("{label} over {param_x} and {param_y}", "{label}：{param_x} × {param_y}"),
    "mean": ("mean", "均值"),
    "sweep_difference_title": (
        "{label}: difference from the reference point, against {param}",
        "{label}：与参照点的差异随 {param} 的变化",
    ),
    "sweep_difference_note": (
        "paired by replication: point − point {reference}, mean and {level} CI; 0 = no difference",
        "按重复配对：各点 − 参照点 {reference}，均值与 {level} 置信区间；0 表示无差异",
    ),
    "sweep_difference_axis": ("difference", "差异"),
    "sweep_difference_name": ("difference", "差异"),
    "sweep_difference_hover": (
        "point %{{customdata}}: %{{y:.4g}}",
        "点 %{{customdata}}：%{{y:.4g}}",
    ),
    "runs": ("runs", "次运行"),
    "network_title": (
        "Data-sharing network: {scenario}, replication {replication} ({links} links)",
        "数据共享网络：{scenario}，第 {replication} 次重复（{links} 条共享关系）",
    ),
    "network_title_government": (
        "Data-sharing network: {scenario}, replication {replication}, government {government} "
        "of {governments} ({links} links)",
        "数据共享网络：{scenario}，第 {replication} 次重复，第 {government} 个政府"
        "（共 {governments} 个；{links} 条共享关系）",
    ),
    "network_note": (
        "dot = department, sized by its links; line = data or a system shared",
        "圆点为部门，大小表示共享关系数；连线表示共享数据或系统",
    ),
    "sharing_link": ("sharing link", "共享关系"),
    "registry_holder": ("holds a base registry", "掌握基础数据库的部门"),
    "other_department": ("other department", "其他部门"),
    "node_hover": (
        "department {dept} (government {jur}): shares with {out}, uses {inn}",
        "部门 {dept}（政府 {jur}）：向 {out} 个部门提供共享，使用 {inn} 个部门的共享",
    ),
    # report
    "report_title": (
        "E-government governance simulation: {names}",
        "电子政务建设治理模式仿真：{names}",
    ),
    "vs": (" vs ", " 对比 "),
    "report_intro": (
        "Each governance design (scenario) was run {reps} times for {months} months with "
        "{depts} departments per government. Replication r runs with the same random "
        "numbers in every scenario (paired replications: the same model seed and, when "
        "replications ran side by side in one model, the same copy of it; see 'How seeds "
        "are made' below), so differences between designs come from the design, not from "
        "luck. Intervals are 95% confidence intervals of the mean over replications.",
        "每种治理模式（方案）运行 {reps} 次，每次 {months} 个月，每个政府 {depts} 个部门。"
        "各方案的第 r 次重复使用相同的随机数（配对重复：相同的模型种子；若多次重复在同一模型中并行"
        "运行，则为该模型的同一副本，见下文“种子生成方法”），因此方案之间的差异来自制度设计，"
        "而非随机因素。区间为各次重复均值的 95% 置信区间。",
    ),
    "contents": ("Contents", "目录"),
    "sec_run": ("What was run", "运行内容"),
    "sec_scenarios": ("Scenarios", "方案"),
    "sec_parameters": ("Parameters that differ from the defaults", "与默认值不同的参数"),
    "no_parameter_changes": (
        "Every parameter has its default value.",
        "所有参数均为默认值。",
    ),
    "sec_outcomes": ("Outcomes at the last month", "期末结果"),
    "outcomes_note": (
        "Mean over replications with its 95% confidence interval. Differences are "
        "scenario − {baseline} within each replication (same seed), with their 95% CI and "
        "the p-value of a two-sided paired t-test. Means of shares (values in [0, 1]) have "
        "logit intervals, which stay in [0, 1]; other means have t intervals.",
        "各次重复的均值及其 95% 置信区间。差异为同一次重复（相同随机种子）内方案减去 "
        "{baseline}，并给出其 95% 置信区间与双侧配对 t 检验的 p 值。比例类指标（取值在 0 到 1 "
        "之间）的均值采用 logit 区间，区间不超出 [0, 1]；其他指标采用 t 区间。",
    ),
    "outcomes_note_single": (
        "Mean over replications with its 95% confidence interval (logit interval for "
        "shares, which stays in [0, 1]; t interval otherwise).",
        "各次重复的均值及其 95% 置信区间（比例类指标采用 logit 区间，不超出 [0, 1]；"
        "其他指标采用 t 区间）。",
    ),
    "all_outcomes": ("All outcomes", "全部结果指标"),
    "bottom_line_group": (
        "Bottom line, read together: cost per month of service, the service delivered and "
        "the needs covered (a design cannot look cheap by delivering less)",
        "底线指标（须一并解读）：每服务月成本、已提供的服务与需求覆盖率（少交付不能显得更省）",
    ),
    "sec_charts_effects": ("Effects of the designs", "各方案的效应"),
    "sec_charts_distributions": ("Distributions of final values", "期末值的分布"),
    "sec_charts_time": ("Outcomes over time", "结果指标随时间的变化"),
    "sec_charts_network": ("Data-sharing networks", "数据共享网络"),
    "network_missing": (
        "No network file (networks.parquet) in this folder; the networks are stored by "
        "runs made with this version.",
        "该文件夹中没有网络文件（networks.parquet）；用当前版本运行时会保存网络数据。",
    ),
    "sec_definitions": ("Outcome definitions", "结果指标定义"),
    "sec_provenance": ("Provenance", "来源信息"),
    "sec_files": ("Files in this folder", "本文件夹中的文件"),
    # table headers and row names
    "h_outcome": ("Outcome", "结果指标"),
    "h_unit": ("Unit", "单位"),
    "h_scenario": ("Scenario", "方案"),
    "h_description": ("Description", "说明"),
    "h_source": ("Source", "依据"),
    "h_policy_changes": ("Changes during the run", "运行中的政策调整"),
    "h_parameter": ("Parameter", "参数"),
    "h_default": ("Default", "默认值"),
    "h_difference": ("{name} − {baseline}", "{name} − {baseline}"),
    "h_definition": ("Definition", "定义"),
    "h_item": ("Item", "项目"),
    "h_value": ("Value", "取值"),
    "h_file": ("File", "文件"),
    "h_content": ("Content", "内容"),
    "at_month": ("month {month}: {changes}", "第 {month} 月：{changes}"),
    "created": ("Created", "生成时间"),
    "replications": ("Replications per scenario", "每个方案的重复次数"),
    "months_run": ("Months per run", "每次运行的月数"),
    "departments": ("Departments per government", "每个政府的部门数"),
    "root_seed": ("Root seed", "根随机种子"),
    "seeds": ("Seed of each replication", "各次重复的随机种子"),
    "seed_method": ("How seeds are made", "种子生成方法"),
    "model_seeds": ("Models and their seeds", "各模型及其随机种子"),
    "model_block": (
        "replications {first}–{last} (replicas 0–{top}): seed {seed}",
        "第 {first}–{last} 次重复（副本 0–{top}）：种子 {seed}",
    ),
    "model_block_one": (
        "replication {first} (alone): seed {seed}",
        "第 {first} 次重复（单独）：种子 {seed}",
    ),
    "rerun_row": ("Re-run one run", "重新运行单次运行"),
    "package_version": ("Package version", "软件包版本号"),
    "command": ("Command", "命令"),
    "git_commit": ("Code version (git commit)", "代码版本（git 提交）"),
    "uncommitted": ("with uncommitted changes", "含未提交的修改"),
    "python": ("Python", "Python"),
    "packages": ("Package versions", "软件包版本"),
    "elapsed": ("Simulation time", "仿真耗时"),
    "seconds": ("{value} s", "{value} 秒"),
    "baseline": ("baseline", "基准"),
    "generated_by": (
        "Written by run.py (sim/reporting/report.py); opens without a network connection.",
        "由 run.py（sim/reporting/report.py）生成；无需联网即可打开。",
    ),
    "n_a": ("n/a", "无"),
    # terminal report (sim.experiments.replications.format_report)
    "term_header": (
        "Value at the last month (month {months}): mean and 95% confidence interval over "
        "{n} replication{s} of each scenario (logit interval for shares, which stays in "
        "[0, 1]; t interval otherwise).",
        "期末（第 {months} 月）取值：每个方案 {n} 次重复的均值及 95% 置信区间（比例类指标采用 "
        "logit 区间，不超出 [0, 1]；其他指标采用 t 区间）。",
    ),
    "term_differences": (
        "Differences are scenario − {baseline} within each replication (same random seed), "
        "with their 95% CI and the p-value of a paired t-test.",
        "差异为同一次重复（相同随机种子）内方案减去 {baseline}，并给出 95% 置信区间与配对 t "
        "检验的 p 值。",
    ),
    "cli_runs": ("{runs} run{s} in {seconds:.1f} s.", "共 {runs} 次运行，用时 {seconds:.1f} 秒。"),
    "cli_results": ("Results: {path}", "结果：{path}"),
    "cli_report": ("Report:  {path}", "报告：{path}"),
    "cli_figures": ("Figures: {path}/ ({kinds})", "图表：{path}/（{kinds}）"),
    "cli_no_images": (
        "note: no static images were written: {why}",
        "提示：未生成静态图片：{why}",
    ),
    "where_header": (
        "Centralized minus dispersed, {replications} paired replications per condition; "
        "'worse' when the 95% CI of the paired difference lies on the bad side "
        "(higher cost per service month or months to service, lower coverage).",
        "集中推进模式减去分散模式，每种条件下 {replications} 次配对重复；"
        "配对差值的 95% 置信区间完全落在不利一侧"
        "（每服务月成本或到位月数更高、覆盖率更低）时判为“更差”。",
    ),
    "where_worse_none": (
        "The centralized design is worse under none of these conditions.",
        "在这些条件下，集中推进模式均不比分散模式差。",
    ),
    "where_worse_under": (
        "The centralized design is worse under: {items}.",
        "集中推进模式在以下条件下更差：{items}。",
    ),
    "where_worlds": (
        "Sampled worlds: {worlds} worlds drawn by Latin hypercube from every declared "
        "uncertainty and structure parameter over its plausible range (the city layout fixed), "
        "{replications} paired replications each. Share of worlds where the centralized design "
        "is worse (mean paired difference on the bad side; 95% Wilson CI over worlds) and "
        "clearly worse (the whole 95% CI on the bad side):",
        "抽样世界：从每个已声明的不确定性与结构参数的合理范围中以拉丁超立方抽取 {worlds} 个世界"
        "（城市布局固定），每个世界 {replications} 次配对重复。集中推进模式更差的世界比例"
        "（平均配对差值落在不利一侧；各世界上的 95% Wilson 区间）及明显更差的比例"
        "（整个 95% 置信区间落在不利一侧）：",
    ),
    "where_worlds_row": (
        "  {outcome} worse in {share} [{low}, {high}] ({worse}/{n}); clearly worse in {clear}",
        "  {outcome} 更差 {share} [{low}, {high}]（{worse}/{n}）；明显更差 {clear}",
    ),
    "where_ends": (
        "Plausible ends: each parameter at the low and the high end of its plausible range, "
        "one at a time, the others at their defaults.",
        "合理范围端点：每个参数依次取其合理范围的下端和上端，其余参数取默认值。",
    ),
    "where_row": (
        "  {outcome} dispersed {dispersed}  centralized {centralized}  diff {difference} "
        "{interval} {verdict}",
        "  {outcome} 分散 {dispersed}  集中 {centralized}  差值 {difference} {interval} {verdict}",
    ),
    "term_posterior": (
        "Parameters over a calibrated posterior ({folder}): replication r of every scenario "
        "used draw r of {free}, so the intervals include parameter uncertainty.",
        "参数取自校准后验（{folder}）：各情景的第 r 次重复使用 {free} 的第 r 个抽样，"
        "因此区间包含参数不确定性。",
    ),
    "term_one_rep": (
        "With one replication there is no confidence interval; use -r 2 or more.",
        "只有一次重复时无法计算置信区间；请使用 -r 2 或更多。",
    ),
    # sweep reports (run.py sweep, run.py report SWEEP_DIR)
    "sweep_report_title": ("Sweep {name}", "参数扫描 {name}"),
    "sweep_report_intro": (
        "{points} design points x {replications} paired replications ({finished} of {total} runs "
        "finished); swept: {parameters}.",
        "{points} 个设计点 × {replications} 次配对重复（已完成 {finished}/{total} 次运行）；"
        "扫描参数：{parameters}。",
    ),
    "sweep_binned": (
        "Sampled design: each line chart and heatmap groups the runs into {bins} bins of a "
        "parameter's range; the other parameters vary within a bin.",
        "抽样设计：折线图和热力图把运行按参数范围分为 {bins} 个区间；同一区间内其他参数各不相同。",
    ),
    "sweep_top_only": (
        "Line charts for the {n} most influential parameters only; every parameter is in "
        "summary.csv and sensitivity.csv.",
        "只为影响最大的 {n} 个参数绘制折线图；全部参数见 summary.csv 与 sensitivity.csv。",
    ),
    "sweep_sens_title": ("{method} indices of {label}", "{label}的 {method} 指数"),
    "sweep_sens_warning": (
        "The sample is too small for these sensitivity indices: {problems}. Use more samples "
        "before reading them.",
        "样本量不足以得到可信的敏感性指数：{problems}。请增加样本后再解读。",
    ),
    "sweep_warn_s1_negative": (
        "{n} first-order indices S1 below 0 beyond their interval",
        "{n} 个一阶指数 S1 在置信区间外小于 0",
    ),
    "sweep_warn_s1_sum": ("S1 summing above 1 for {n} outcome(s)", "{n} 个结果的 S1 之和大于 1"),
    "sweep_warn_st_above": (
        "{n} total indices ST above 1 beyond their interval",
        "{n} 个总指数 ST 在置信区间外大于 1",
    ),
    "sweep_report_files": (
        "Tables: runs.csv, summary.csv, paired_differences.csv, sensitivity.csv (sobol and "
        "morris). Rewrite this page with python run.py report FOLDER.",
        "数据表：runs.csv、summary.csv、paired_differences.csv、sensitivity.csv（sobol 与 "
        "morris）。用 python run.py report 文件夹 重新生成本页。",
    ),
    # calibration (run.py calibrate)
    "cal_title": ("Calibration: posterior and predictive checks", "校准：后验分布与预测检验"),
    "cal_method": (
        "ABC-SMC (pyabc): uniform priors over the free uncertainties; a particle is kept "
        "when the distance sqrt(sum(((simulated - observed) / tolerance)^2)) over the fitted "
        "targets is below the generation's epsilon (the median distance of the previous one). "
        "Predictive checks: 40 parameter sets from the prior and from the weighted posterior, "
        "each target run once per set; held-out targets are not fitted.",
        "ABC-SMC（pyabc）：自由不确定性参数取均匀先验；若拟合目标上的距离 "
        "sqrt(sum(((模拟值 - 观测值) / 容差)^2)) 低于该代的 epsilon（上一代距离的中位数），"
        "则保留该粒子。预测检验：从先验和加权后验各抽取 40 组参数，每组对每个目标运行一次；"
        "留出目标不参与拟合。",
    ),
    "cal_parameters": ("Free parameters", "自由参数"),
    "cal_targets": ("Targets", "目标"),
    "cal_target": ("target", "目标"),
    "cal_observed": ("observed", "观测值"),
    "cal_held_out": ("held out", "留出"),
    "cal_covers": ("posterior 90% covers it", "后验 90% 区间覆盖"),
    "cal_source": ("source", "来源"),
    "cal_mapping": ("mapping", "映射"),
    "cal_regime": ("regime observed (parameters)", "观测时的体制（参数）"),
    "cal_correlations": (
        "Posterior correlations of the free parameters (the prior has none: a strong one is a "
        "combination the targets constrain, not each parameter alone)",
        "自由参数的后验相关（先验无相关：强相关表示目标约束的是参数组合，而非单个参数）",
    ),
    "cal_correlation": ("weighted correlation", "加权相关系数"),
    "cal_generations": (
        "Generations (epsilon: distance a particle had to beat)",
        "各代（epsilon：粒子须低于的距离）",
    ),
    "cal_epsilon": ("epsilon", "epsilon"),
    "cal_particles": ("particles", "粒子"),
    "cal_samples": ("simulations", "模拟次数"),
    "cal_prior": ("prior", "先验"),
    "cal_posterior": ("posterior", "后验"),
    "cal_prior_low": ("prior low", "先验下限"),
    "cal_prior_high": ("prior high", "先验上限"),
    "cal_prior_mean": ("prior predictive mean", "先验预测均值"),
    "cal_posterior_mean": ("posterior mean", "后验均值"),
    "cal_narrowing": ("narrowing", "收窄比"),
    "cal_share": ("share of the posterior", "后验占比"),
    "cal_marginals_title": ("Posterior of each free parameter", "各自由参数的后验"),
    "cal_marginals_note": ("weighted; dashed: the flat prior", "加权；虚线：均匀先验"),
    "cal_pairs_title": (
        "Posterior particles, every pair of free parameters (size: weight; axes: prior range)",
        "后验粒子两两分布（全部自由参数对；大小：权重；坐标轴：先验范围）",
    ),
    "cal_prior_predictive": ("prior predictive (90%)", "先验预测（90%）"),
    "cal_posterior_predictive": ("posterior predictive (90%)", "后验预测（90%）"),
    "cal_predictive_title": ("Predictive checks of every target", "各目标的预测检验"),
    "cal_predictive_note": (
        "0 = observed; one unit = one tolerance",
        "0 = 观测值；一个单位 = 一个容差",
    ),
    "cal_in_tolerances": ("simulated − observed, in tolerances", "模拟值 − 观测值（以容差为单位）"),
    "cal_epsilon_title": ("Acceptance distance per generation", "各代的接受距离"),
    "cal_generation": ("generation", "代"),
    # scenario discovery (run.py discover)
    "disc_title": ("Scenario discovery: where a design does worse", "情景发现：一种体制在何处更差"),
    "disc_worse_on": (
        "{design} worse than {reference} on {outcome}",
        "{design}在{outcome}上劣于{reference}",
    ),
    "disc_intro": (
        "Designs {designs} ran the same {samples} Latin hypercube points, {replications} paired "
        "replications each (root seed {seed}); a point counts as worse when the mean paired "
        "difference from {reference} lies on the outcome's bad side. PRIM keeps, along each "
        "peeling trajectory, the box of highest coverage with density at least {density} "
        "(where none reaches it, the densest, marked *). A limit at the end of a sampled "
        "range is no restriction.",
        "各体制（{designs}）在相同的 {samples} 个拉丁超立方样本点上运行，"
        "每点 {replications} 次配对重复（根种子 {seed}）；"
        "若与{reference}的平均配对差值落在该结果的不利一侧，则该点记为“更差”。"
        "PRIM 在每条剥离轨迹上保留密度不低于 {density} 且覆盖率最高的盒子（若无一达到，"
        "则保留密度最高者，以 * 标出）。位于抽样范围端点的界限不构成限制。",
    ),
    "disc_ranges": ("Sampled parameters and ranges", "抽样参数及其范围"),
    "disc_fixed": (
        "Fixed in every run (over each design's scenario): {fixed}.",
        "每次运行固定（覆盖各体制情景的取值）：{fixed}。",
    ),
    "disc_held": (
        "Not explored ({held} of the {total} declared uncertainty and structure parameters; "
        "the other {sampled} are sampled over their plausible ranges), and why",
        "未探索的参数（已声明的 {total} 个不确定性与结构参数中的 {held} 个；"
        "其余 {sampled} 个在其合理范围内抽样）及原因",
    ),
    "disc_held_value": ("value", "取值"),
    "disc_held_reason": ("reason", "原因"),
    "disc_held_design": ("each design's", "各体制自身取值"),
    "disc_below_density": (
        "Below min_density: no step of this box's peeling trajectory reached it, or the "
        "restrictions that did were not clear of chance and were dropped.",
        "低于 min_density：该盒子的剥离轨迹中没有一步达到它，"
        "或达到它的限制未显著区别于偶然而被去除。",
    ),
    "disc_regime_note": ("dark grey: no point", "深灰：无样本点"),
    "disc_weak": ("below min_density", "低于 min_density"),
    "disc_boxes": ("PRIM boxes", "PRIM 盒子"),
    "disc_box": ("box {number}", "盒子 {number}"),
    "disc_box_col": ("box", "盒子"),
    "disc_coverage": ("coverage", "覆盖率"),
    "disc_density": ("density", "密度"),
    "disc_mass": ("mass (support)", "质量（支持度）"),
    "disc_parameter": ("parameter", "参数"),
    "disc_limits": ("limits", "范围"),
    "disc_qp": ("quasi p-value", "准 p 值"),
    "disc_whole_space": ("the whole space", "整个空间"),
    "disc_share_line": (
        "{share:.0%} of {points} points ({worse} worse; 95% CI {low:.0%}–{high:.0%})",
        "{points} 个点中的 {share:.0%}（{worse} 个更差；95% 置信区间 {low:.0%}–{high:.0%}）",
    ),
    "disc_no_box_worse_nowhere": (
        "No PRIM box: the design is worse at none of the points.",
        "没有 PRIM 盒子：该体制在任何点都不更差。",
    ),
    "disc_no_box_worse_everywhere": (
        "No PRIM box: the design is worse at every point.",
        "没有 PRIM 盒子：该体制在所有点都更差。",
    ),
    "disc_no_box_no_region": (
        "No PRIM box: the design is worse at {share:.0%} of the points (95% CI {low:.0%}–"
        "{high:.0%}), but they form no region that PRIM can box.",
        "没有 PRIM 盒子：该体制在 {share:.0%} 的点上更差（95% 置信区间 {low:.0%}–{high:.0%}），"
        "但这些点不构成 PRIM 能框出的区域。",
    ),
    "disc_spread": (
        "The worse points are spread over the sampled space; the feature scores and the CART "
        "tree show what leans towards them.",
        "更差的点分散在抽样空间中；特征得分和 CART 树显示哪些因素与之相关。",
    ),
    "disc_weak_boxes": (
        "No box reaches min_density {min_density:.2f}: the boxes are leanings rather than "
        "regions where the design is worse.",
        "没有盒子达到 min_density {min_density:.2f}：所列盒子只表示倾向，而非该体制更差的区域。",
    ),
    "disc_why_below": (
        "The densest box on the first peeling trajectory had density {best:.2f} (mass "
        "{mass:.2f}), below min_density {min_density:.2f}.",
        "第一条剥离轨迹上密度最高的盒子密度为 {best:.2f}（质量 {mass:.2f}），"
        "低于 min_density {min_density:.2f}。",
    ),
    "disc_why_none_clear": (
        "None of its restrictions was clear of chance (quasi p-value at most 0.05).",
        "其各项限制均未显著区别于偶然（准 p 值不超过 0.05）。",
    ),
    "disc_why_reached_none": (
        "The first peeling trajectory reached density {best:.2f} (mass {mass:.2f}; min_density "
        "{min_density:.2f}), but none of the restrictions that got it there was clear of chance "
        "(quasi p-value at most 0.05): with these points such a box arises by chance.",
        "第一条剥离轨迹的密度达到 {best:.2f}（质量 {mass:.2f}；min_density {min_density:.2f}），"
        "但达到该密度的各项限制均未显著区别于偶然（准 p 值不超过 0.05）：在这些点上，"
        "偶然也会出现这样的盒子。",
    ),
    "disc_why_reached_some": (
        "The first peeling trajectory reached density {best:.2f} (mass {mass:.2f}), but some "
        "restrictions that got it there were not clear of chance (quasi p-value above 0.05) "
        "and were dropped.",
        "第一条剥离轨迹的密度达到 {best:.2f}（质量 {mass:.2f}），但达到该密度的部分限制未显著"
        "区别于偶然（准 p 值大于 0.05），已被去除。",
    ),
    "disc_cart_title": ("CART tree", "CART 决策树"),
    "disc_cart_note": (
        "scikit-learn's decision tree (seeded; at least {leaf} points per leaf) on whether the "
        "design is worse; each leaf gives its class and its points as [not worse, worse].",
        "scikit-learn 决策树（固定种子；每片叶子至少 {leaf} 个点），判别该体制是否更差；"
        "每片叶子给出其类别及点数 [不更差, 更差]。",
    ),
    "disc_above_floor": (
        "above the noise floor {floor:.3f}",
        "高于噪声底线 {floor:.3f}",
    ),
    "disc_noise_floor": ("noise floor", "噪声底线"),
    "disc_drivers": (
        "Drivers: what moves the paired difference",
        "驱动因素：什么改变了配对差异",
    ),
    "disc_drivers_title": (
        "Drivers of {design} minus {reference}",
        "{design} 减 {reference} 的驱动因素",
    ),
    "disc_drivers_index": ("PAWN index (median KS distance)", "PAWN 指数（KS 距离中位数）"),
    "disc_drivers_note": (
        "Global sensitivity of the paired difference ({design} minus {reference}, same seeds) of "
        "each outcome over the sampled worlds: PAWN, a moment-independent index (SALib; Pianosi "
        "and Wagener 2015, 2018), on each world's mean difference over its replications, with a "
        "95% bootstrap interval over worlds. The noise floor (dashed) is the largest index of "
        "{probes} columns of random numbers that drive nothing; a parameter is a driver (coloured) "
        "when its whole interval is above it. Seed share: the part of the "
        "variance of one paired difference that is seed noise, which no parameter can explain.",
        "各结果配对差异（{design} 减 {reference}，相同种子）在抽样世界上的全局敏感性：PAWN 矩无关"
        "指数（SALib；Pianosi 和 Wagener 2015、2018），基于每个世界各次重复的平均差异，附世界上的"
        " 95% 自助法区间。噪声底线（虚线）是 {probes} 列不驱动任何结果的随机数所得的最大指数；某参"
        "数的整个区间高于噪声底线时才算驱动因素（彩色）。种子占比：单个配对差异的方差中"
        "属于种子噪声、任何参数都无法解释的部分。",
    ),
    "disc_drivers_seed": (
        "{outcome}: seed share {share}, {worlds} worlds x {reps} replications; drivers: {names}",
        "{outcome}：种子占比 {share}，{worlds} 个世界 x {reps} 次重复；驱动因素：{names}",
    ),
    "disc_below_floor": ("below the noise floor", "低于噪声底线"),
    "disc_floor_note": (
        "Scores are the mean of {repeats} extra-trees fits, each with an added column of random "
        "numbers unrelated to any outcome; the noise floor (dashed) is the largest score that "
        "column reached. Grey bars are below it: no better than noise.",
        "得分为 {repeats} 次极端随机树拟合的平均值，每次拟合都加入一列与任何结果无关的随机数；"
        "噪声底线（虚线）是该列得到的最高得分。灰色条形低于底线：与噪声无异。",
    ),
    "disc_res_dim": ("restricted parameters", "受限参数数"),
    "disc_hover_step": (
        "coverage %{{x:.2f}}, density %{{y:.2f}}, mass %{{customdata[0]:.2f}}, "
        "%{{customdata[1]}} restricted",
        "覆盖率 %{{x:.2f}}，密度 %{{y:.2f}}，质量 %{{customdata[0]:.2f}}，"
        "受限参数 %{{customdata[1]}}",
    ),
    "disc_kept": ("box kept", "保留的盒子"),
    "disc_tradeoff_title": ("PRIM trade-off: coverage against density", "PRIM 权衡：覆盖率与密度"),
    "disc_share_worse": ("share worse", "更差比例"),
    "disc_hover_cell": (
        "%{{x}} × %{{y}}: %{{z:.0%}} worse (%{{customdata}} points)",
        "%{{x}} × %{{y}}：%{{z:.0%}} 更差（%{{customdata}} 个点）",
    ),
    "disc_regime_title": (
        "Regime maps: share of points where it is worse",
        "情景分区图：更差点所占比例",
    ),
    "disc_scores_title": (
        "Feature scores: what separates worse from not",
        "特征得分：区分“更差”与否的因素",
    ),
    "disc_score": ("feature score (extra trees)", "特征得分（极端随机树）"),
    "disc_design": ("design", "体制"),
    "disc_outcome": ("outcome", "结果"),
    "disc_share": ("points where worse", "更差的点"),
    "disc_clear": ("clearly worse (95% CI)", "明显更差（95% 置信区间）"),
    "disc_method": (
        "Methods: PRIM (Friedman and Fisher 1999; Bryant and Lempert 2010) and CART through "
        "EMA Workbench (Kwakkel 2017); quasi p-values test whether a restriction raises the "
        "density (one-sided binomial); feature scores from extra trees. Files: points.csv, "
        "boxes.csv, prim_trajectories.csv, cart.csv, feature_scores.csv, regimes.csv.",
        "方法：通过 EMA Workbench（Kwakkel 2017）使用 PRIM（Friedman 和 Fisher 1999；Bryant 和 "
        "Lempert 2010）与 CART；准 p 值检验某一限制是否提高密度（单侧二项检验）；"
        "特征得分来自极端随机树。文件：points.csv、boxes.csv、prim_trajectories.csv、cart.csv、"
        "feature_scores.csv、regimes.csv。",
    ),
}


#: Verdicts of ``where-it-loses`` in Chinese.
VERDICTS_ZH: dict[str, str] = {
    "centralized worse": "集中更差",
    "centralized better": "集中更好",
    "no clear difference": "无明显差异",
}

#: Chinese name and reason of the ``where-it-loses`` conditions with fixed names
#: (the plausible ends are named from the parameter labels).
CONDITIONS_ZH: dict[str, tuple[str, str]] = {
    "defaults": ("默认参数", "按声明的默认值"),
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported.

    Raises:
        ValueError: For a language other than those in ``LANGS``.
    """
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    return lang


def t(key: str, lang: str = "en", **values: Any) -> str:
    """Return the interface string ``key`` in ``lang``, with ``values`` filled in.

    Args:
        key: A key of ``TEXT``.
        lang: ``en`` or ``zh``.
        **values: Values of the ``{name}`` fields.

    Returns:
        The translated, formatted text.
    """
    en, zh = TEXT[key]
    text = zh if check_lang(lang) == "zh" else en
    return text.format(**values)


def _spec(name: str) -> Any:
    from sim.model.outcomes import SPECS

    return SPECS.get(name)


def outcome_label(name: str, lang: str = "en") -> str:
    """Return the short label of an outcome (its name if undeclared)."""
    if check_lang(lang) == "zh" and name in OUTCOMES_ZH:
        return OUTCOMES_ZH[name][0]
    spec = _spec(name)
    return spec.label if spec else name


def outcome_unit(name: str, lang: str = "en") -> str:
    """Return the unit of an outcome ('' if undeclared)."""
    if check_lang(lang) == "zh" and name in OUTCOMES_ZH:
        return OUTCOMES_ZH[name][1]
    spec = _spec(name)
    return spec.unit if spec else ""


def outcome_description(name: str, lang: str = "en") -> str:
    """Return what an outcome counts ('' if undeclared)."""
    if check_lang(lang) == "zh" and name in OUTCOMES_ZH:
        return OUTCOMES_ZH[name][2]
    spec = _spec(name)
    return spec.description if spec else ""


def unit(text: str, lang: str = "en") -> str:
    """Translate a unit of measurement (returned unchanged if unknown or English)."""
    if check_lang(lang) == "zh":
        return UNITS_ZH.get(text, text)
    return text


def label_with_unit(label: str, unit_text: str, lang: str = "en") -> str:
    """Return ``label (unit)`` with the brackets of the language ('' unit: label only)."""
    if not unit_text:
        return label
    return f"{label}（{unit_text}）" if lang == "zh" else f"{label} ({unit_text})"


def parameter_label(name: str, lang: str = "en") -> str:
    """Return a parameter's label: its Chinese label, or its name in English.

    Args:
        name: A parameter name of ``sim.model.parameters``.
        lang: ``en`` or ``zh``.

    Returns:
        The label (the name itself if no Chinese label is declared).
    """
    if check_lang(lang) == "zh":
        return PARAMETERS_ZH.get(name, name)
    return name


def parameter_axis_title(name: str, unit_text: str, lang: str = "en") -> str:
    """Return ``label (unit)`` of a parameter for an axis or a slider.

    Args:
        name: A parameter name.
        unit_text: Its unit in English (translated here).
        lang: ``en`` or ``zh``.

    Returns:
        The axis title in the language.
    """
    return label_with_unit(parameter_label(name, lang), unit(unit_text, lang), lang)


def outcome_axis_title(name: str, lang: str = "en") -> str:
    """Return ``quantity (unit)`` of an outcome, for axis titles.

    Args:
        name: An outcome name.
        lang: ``en`` or ``zh``.

    Returns:
        The outcome's label with its unit in brackets.
    """
    return label_with_unit(outcome_label(name, lang), outcome_unit(name, lang), lang)


def scenario_description(record: Any, lang: str = "en") -> str:
    """Return a scenario's description in the language (English if no Chinese one).

    Args:
        record: A ``Scenario`` or its manifest record (a dict).
        lang: ``en`` or ``zh``.

    Returns:
        ``description_zh`` in Chinese when present, else ``description``.
    """
    get = record.get if isinstance(record, dict) else lambda key, d="": getattr(record, key, d)
    if check_lang(lang) == "zh" and get("description_zh", ""):
        return str(get("description_zh", ""))
    return str(get("description", ""))


def source_text(text: str, lang: str = "en") -> str:
    """Return a source citation with the seed papers' titles instead of file names."""
    return with_titles(text, check_lang(lang))
