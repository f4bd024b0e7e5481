"""XLSForm (the ODK/KoBo standard) to and from a survey definition.

Reading uses pyxform's own workbook reader (``xls2json_backends``), so whatever pyxform accepts
as a workbook is read the same way here; the mapping to our question types is ours (each
question type reads and writes its own rows: ``xlsform_types``, ``xlsform_read`` and
``xlsform_rows`` in ``surveys.question_types``; the groups are read here):

===========================  ==========================================================
XLSForm                      survey
===========================  ==========================================================
``begin group`` (top level)  a section (page); its ``relevant`` the page condition
nested ``begin group``       its questions join the page (its condition is combined)
``select_one L``             single choice (``appearance`` minimal: dropdown; ``likert``
                             with numeric codes: rating scale)
``select_multiple L``        multiple choice
``... or_other`` / choice    "other, please specify" (the ``<name>_other`` text question
``other`` + ``<name>_other`` is folded into it)
``rank L``                   ranking
``integer`` / ``decimal``    whole / decimal number (``range``: whole number with limits)
``text``                     short text (``appearance`` multiline: long text)
``date``                     date
``note``                     display text
===========================  ==========================================================

``label::<language>``, ``hint::<language>`` and ``constraint_message::<language>`` columns give
the texts per language; ``relevant``, ``constraint`` (``regex(., 'p')`` becomes a pattern),
``required`` and ``parameters`` (``randomize=true``) are read. Everything else (repeats,
calculations, media, GPS, metadata, unknown columns) is reported.

Writing produces an ``.xlsx`` that pyxform converts to an XForm. What XLSForm has no column for
(yes/no, rating and matrix questions, ranges, lengths, target groups, the survey's texts and
settings) is kept in an extra ``teilhabe`` column as JSON, which ODK tools ignore and the reader
here uses, so export → import gives back the same survey.
"""

from .read import is_csv_xlsform, parse
from .write import write

__all__ = ["is_csv_xlsform", "parse", "write"]
