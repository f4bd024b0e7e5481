"""Survey results: aggregation into stored result cells, statistics, small-count protection,
exports and charts.

Pure modules (no Django): ``cells`` (what one response contributes), ``stats`` (statistics
from stored counts), ``suppression`` (small-count protection), ``charts`` (SVG). The others
(``models``, ``aggregation``, ``reports``, ``exports``, ``tasks``) use Django.
"""
