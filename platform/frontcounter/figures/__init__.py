"""Management information: figures per force and nationally, pre-aggregated per UK day, shown as charts.

Applications, payments, income and refunds, closed cases and deadline compliance are kept per force,
day, service and channel in `daily_figure`; time spent in each workflow state per force, day, service
and state in `daily_state_time` (see aggregation.py); the backlog is read live from the open-cases index.
"""
