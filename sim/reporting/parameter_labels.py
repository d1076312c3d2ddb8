"""Chinese labels of the model parameters, keyed by parameter name.

The parameters are declared once, in English, in ``sim.model.parameters``;
this table gives each one a short Chinese label for reports, charts, the
dashboard and ``list --parameters --lang zh``. ``tests/test_i18n.py`` fails
when a declared parameter has no label here.
"""

from __future__ import annotations

#: Parameter name -> Chinese label.
PARAMETERS_ZH: dict[str, str] = {
    # structure
    "n_jurisdictions": "政府数",
    "n_departments": "每个政府的部门数",
    "months": "运行月数",
    "n_provinces": "省级政府数",
    "n_prefectures": "地级政府数",
    "n_counties": "县级政府数",
    "n_ministries": "中央部委数",
    "department_spread": "部门数的浮动范围",
    # uncertainties
    "need_delay_months": "需求出现的平均延迟",
    "business_needs_per_year": "业务系统需求发生率",
    "data_needs_per_department": "每个部门的数据需求数",
    "base_registry_share": "指向基础数据库的数据需求比例",
    "services_per_department_year": "跨部门协同服务发生率",
    "max_service_departments": "一项协同服务涉及的最多部门数",
    "system_cost": "部门自建系统的成本",
    "platform_cost_multiple": "共享平台成本倍数",
    "platform_build_months": "共享平台建设周期",
    "build_months": "部门系统建设周期",
    "adoption_cost_share": "接入共享平台的成本",
    "migration_cost_share": "标准不一致时的迁移成本",
    "recollection_cost_share": "重新采集数据的成本",
    "annual_budget": "年度电子政务经费",
    "fiscal_disparity": "财力差异",
    "it_capacity_mean": "部门平均信息化能力",
    "stall_months": "认定为“胡子工程”的停滞月数",
    "leader_tenure_months": "领导平均任期",
    "abandon_on_turnover": "领导更替后废弃项目的概率",
    "head_attention_mean": "部门负责人的平均重视程度",
    "top_leader_attention": "主要领导的重视程度",
    "vanity_preference_mean": "部门负责人对形象工程的偏好",
    "autonomy_value": "自建自管系统的价值",
    "willingness_to_share_mean": "数据共享的平均意愿",
    "sharing_risk": "共享数据的感知风险",
    "initial_common_standard_share": "初始统一标准覆盖率",
    "peer_awareness": "自行了解他部门可复用系统的概率",
    "adoption_contagion": "平台采用的示范效应",
    "choice_rationality": "部门决策的理性程度",
    "poor_standard_risk": "总体规划锁定劣质标准的风险",
    "poor_standard_penalty": "劣质标准平台的效用损失",
    "request_propensity": "部门申请协调的倾向",
    "line_ministry_reach": "可使用条线部委系统的概率",
    "reorganization_months": "机构调整后失去权威的月数",
    # levers
    "approval_bodies": "审批机构数",
    "signoff_delay_months": "每个审批机构的平均延迟",
    "review_coverage": "项目审核覆盖率",
    "registry_completeness": "系统登记的完整程度",
    "review_authority": "审核叫停的权威",
    "review_capacity": "审核能力",
    "priority_review": "按轻重缓急排序审核",
    "attention_dependence": "权威对主要领导重视的依赖",
    "technical_center_capacity": "技术服务中心的建设能力",
    "master_plan": "总体规划",
    "bundling_threshold": "提出建设共享平台的需求门槛",
    "unified_budget": "统一预算比例",
    "standard_enforcement": "统一标准的执行力度",
    "coordination_proactive": "主动协调比例",
    "coordination_capacity": "协调能力",
    "coordination_strength": "协调力度",
    "audit_rate": "审计发现率",
    "sanction_strength": "问责力度",
    "evaluation_link": "纳入领导考核的权重",
    "body_permanence": "机构的常设化程度",
    "central_local_link": "上下级统筹（全国一盘棋）",
}
