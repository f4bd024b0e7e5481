"""Survey results: aggregation into stored result cells, statistics, exports and charts.

Pure modules (no Django): ``cells`` (what one response contributes), ``stats`` (statistics
from stored counts). Small-count protection, SVG charts and spreadsheet cells come from
``core``. The others (``models``, ``aggregation``, ``reports``, ``selectors``, ``charts`` (the
chart of a question's result), ``exports``, ``tasks``) use Django.
"""
