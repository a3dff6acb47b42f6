"""Plans names used by the workbook template builder and the demo builder.

The Plans reader lives in `read/plans.py` and the plan rules in `passes/plans.py`; this
module goes away when those builders move to build/ and import from there (issue 8 §3).
"""
from .passes.plans import schedule
from .read.plans import PLAN_REQUIRED, PlanTerms

__all__ = ["PLAN_REQUIRED", "PlanTerms", "schedule"]
