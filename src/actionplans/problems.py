"""Every code the library reports, declared once: the problems the content checks find, and the
errors it raises. Imports nothing from the package.

A problem code (``quote-not-found``) is declared with :func:`problem`: its code, a short title,
what it means, its severity (``error``, or ``todo`` for what a person must still do on a draft)
and the wording of its message and of what is expected, as ``str.format`` templates with named
placeholders. A check words a problem by calling its declaration with the placeholders' values::

    where.add(line, f"{name}.zh", QUOTE_NOT_FOUND(source=source_id, miss=explanation))

which gives a :class:`Finding`; the caller places it (file, line, field) as a
:class:`~actionplans.errors.Problem`. A problem worded in more than one way has more forms
(:meth:`ProblemType.form`), all under the one code. An error code (``import-empty``) is declared
with :func:`error_code` and set on an :class:`~actionplans.errors.ActionplansError` subclass.
``reference()`` writes ``docs/problems.md`` from these declarations (``nox -s docs``).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "todo"]
_CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Finding:
    """A problem as a check words it, before it is placed in a file."""

    code: str
    severity: Severity
    message: str
    expected: str


@dataclass(frozen=True)
class ProblemType:
    """One kind of problem and one wording of it. Call it with the values of its placeholders."""

    code: str
    title: str
    description: str
    message: str
    expected: str
    severity: Severity = "error"
    placeholders: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = {name for template in (self.message, self.expected) for _, name, _, _ in string.Formatter().parse(template) if name}
        object.__setattr__(self, "placeholders", frozenset(names))

    def __call__(self, **values: object) -> Finding:
        if set(values) != self.placeholders:
            raise TypeError(f"{self.code}: takes {sorted(self.placeholders)}, not {sorted(values)}")
        return Finding(self.code, self.severity, self.message.format(**values), self.expected.format(**values))

    def form(self, message: str, expected: str) -> ProblemType:
        """Another wording of the same problem: the same code, title, meaning and severity."""
        variant = ProblemType(self.code, self.title, self.description, message, expected, self.severity)
        PROBLEMS[self.code].append(variant)
        return variant


@dataclass(frozen=True)
class ErrorCode:
    """The code of an error the library raises, with its title and what it means. ``str()`` of
    it is the code."""

    code: str
    title: str
    description: str

    def __str__(self) -> str:
        return self.code


#: Every problem code, with each of its forms (the first is the one the reference shows first).
PROBLEMS: dict[str, list[ProblemType]] = {}
#: Every error code.
ERRORS: dict[str, ErrorCode] = {}


def _declare(code: str) -> None:
    if not _CODE.match(code):
        raise ValueError(f"{code!r} is not a code: lowercase ASCII words joined by hyphens")
    if code in PROBLEMS or code in ERRORS:
        raise ValueError(f"{code!r} is declared twice")


def problem(code: str, title: str, description: str, message: str, expected: str, severity: Severity = "error") -> ProblemType:
    """Declare a problem code."""
    _declare(code)
    declared = ProblemType(code, title, description, message, expected, severity)
    PROBLEMS[code] = [declared]
    return declared


def error_code(code: str, title: str, description: str) -> ErrorCode:
    """Declare an error code."""
    _declare(code)
    declared = ERRORS[code] = ErrorCode(code, title, description)
    return declared


def codes() -> set[str]:
    """Every declared code, of problems and of errors."""
    return set(PROBLEMS) | set(ERRORS)


# --- files and YAML (yamlfile.py, content/folder.py) -------------------------------------------
CONTENT_MISSING = problem(
    "content-missing", "Content folder missing",
    "The content folder given to the command does not exist.",
    "content folder is missing", "a folder with package.yaml, sources/, plans/ …",
)
FILE_MISSING = problem(
    "file-missing", "Content file missing",
    "A file every content folder has (package.yaml, organizations.yaml, glossary.yaml, a vocabulary) is not there.",
    "file is missing", "this content file",
)
FILE_UNREADABLE = problem(
    "file-unreadable", "File unreadable",
    "The system refused to read the file: it lacks read permission, or its name is too long to look up.",
    "cannot read the file ({reason})", "a readable file",
)
FILE_TOO_LARGE = problem(
    "file-too-large", "File too large",
    "A content file, or a source's text, is larger than the limit (2 MiB), which keeps any input from exhausting memory.",
    "file is {size:,} bytes, over the limit of {limit:,}", "a smaller file",
)
BYTE_ORDER_MARK = problem(
    "byte-order-mark", "Byte order mark",
    "The file starts with a UTF-8 byte order mark (some Windows editors add one); content files have none.",
    "file starts with a byte order mark (BOM)", "UTF-8 without BOM",
)
NOT_UTF_8 = problem(
    "not-utf-8", "Not UTF-8",
    "The file is not valid UTF-8, usually because it was saved as GBK or another legacy encoding; the report names the first bad byte.",
    "not valid UTF-8 (byte 0x{byte:02x} at offset {offset}; GBK or another encoding?)", "UTF-8 text",
)
LINE_ENDING = problem(
    "line-ending", "Carriage return",
    "The file has Windows (CRLF) or old Mac (CR) line endings; content files end lines with LF only.",
    "carriage return (CRLF or CR line ending)", "LF line endings",
)
TAB_INDENTATION = problem(
    "tab-indentation", "Tab indentation",
    "A line is indented with a tab, which YAML does not allow.",
    "tab used for indentation", "spaces",
)
EMPTY_FILE = problem(
    "empty-file", "Empty file",
    "The file holds nothing, or only an empty value (~, null).",
    "file is empty", "YAML content",
)
EMPTY_FILE_NULL = EMPTY_FILE.form("file holds only an empty value", "YAML content")
MALFORMED_YAML = problem(
    "malformed-yaml", "Malformed YAML",
    "The file is not valid YAML (an unclosed bracket or quote, a bad indentation, more than one document); the parser's words follow.",
    "malformed YAML: {detail}", "valid YAML",
)
YAML_ALIAS = problem(
    "yaml-alias", "YAML anchor or alias",
    "The file uses a YAML anchor (`&`) or alias (`*`). Content never needs them, and they are how a small file expands into a huge one.",
    "YAML anchors and aliases are not allowed", "plain values written out",
)
TOO_DEEP = problem(
    "too-deep", "Nesting too deep",
    "Mappings and lists are nested deeper than the limit (12 levels).",
    "nesting deeper than {limit} levels", "flatter content",
)
TEXT_TOO_LONG = problem(
    "text-too-long", "Text too long",
    "A single text, or a key, is longer than the limit (20,000 characters).",
    "text of {length:,} characters, over the limit of {limit:,}", "shorter text",
)
KEY_TOO_LONG = TEXT_TOO_LONG.form("key of {length:,} characters", "a short key")
DUPLICATE_KEY = problem(
    "duplicate-key", "Duplicate key",
    "A mapping has the same key twice; YAML would silently keep only the last.",
    "duplicate key (first at line {first})", "each key once",
)
WRONG_TYPE = problem(
    "wrong-type", "Value of the wrong kind",
    "A value is of another kind than its field holds (text where a number is expected, a mapping where a list is), "
    "or YAML cannot read it as any value. The expected kind is the field's (see content-format.md).",
    "is {kind}", "{expected}",
)
WRONG_TYPE_TEXTS = WRONG_TYPE.form("is not a list of non-empty texts", "{expected}")
WRONG_TYPE_KEY = WRONG_TYPE.form("a key that is not text", "plain keys")
WRONG_TYPE_UNREADABLE = WRONG_TYPE.form("unreadable value {text!r} ({error})", "a valid value")

# --- records and fields (content/spec.py, content/ids.py) --------------------------------------
UNKNOWN_FIELD = problem(
    "unknown-field", "Unknown field",
    "A record has a field its format does not define, often a misspelt one (the closest field is suggested).",
    "unknown field{hint}", "one of {fields}",
)
MISSING_FIELD = problem(
    "missing-field", "Missing field",
    "A required field of a record is not there.",
    "missing", "{expected}",
)
EMPTY_VALUE = problem(
    "empty-value", "Empty value",
    "A field that must have a value is empty (null, or empty text); a national or provincial region needs its ISO code, "
    "and every region but China as a whole a parent.",
    "is empty", "{expected}",
)
INVALID_ID = problem(
    "invalid-id", "Invalid id",
    "An id is not a slug. Ids become URLs and file names, so only lowercase ASCII letters, digits and single hyphens are accepted.",
    "{value!r} is not a valid id", "lowercase ASCII letters, digits and single hyphens ([a-z0-9-], at most {limit} characters)",
)
LISTED_TWICE = problem(
    "listed-twice", "Id listed twice",
    "A list of ids (themes, groups, issuers …) names the same id twice.",
    "{value!r} is listed twice", "each id once",
)
INVALID_URL = problem(
    "invalid-url", "Invalid URL",
    "An address is not an http(s) URL (a javascript: or file: address is refused, since it would be a link on the site).",
    "{value!r} is not an http(s) URL", "{expected}",
)
INVALID_YEAR = problem(
    "invalid-year", "Implausible year",
    "A year is outside the range the data can hold (1949 to 2100): usually a typing error.",
    "{value} is not a plausible year", "{expected}",
)
NEGATIVE_NUMBER = problem(
    "negative-number", "Negative number",
    "A count (of tasks, of issuing departments) or an ordinal is below zero.",
    "{value} is negative", "a whole number of 0 or more",
)
NOT_A_NUMBER = problem(
    "not-a-number", "Not a finite number",
    "A figure's value is infinite or not a number (.inf, .nan).",
    "{value!r} is not a finite number", "{expected}",
)
TOO_MANY_DIGITS = problem(
    "too-many-digits", "Too many digits",
    "A number has more significant digits than JSON readers keep exactly (15): a reader of the JSON downloads or the API would get another number.",
    "{value} has {digits} significant digits", "a number of at most {limit} significant digits",
)
UNKNOWN_CHOICE = problem(
    "unknown-choice", "Value not allowed",
    "A field that takes one of a fixed set of values (a level, a figure's kind) has another (the closest is suggested).",
    "{value!r} is not allowed{hint}", "{expected}",
)
UNKNOWN_LANGUAGE = problem(
    "unknown-language", "Unknown language",
    "A text has a key other than zh and en.",
    "unknown language{hint}", "zh and en only",
)
MISSING_LANGUAGE = problem(
    "missing-language", "Language missing",
    "A text lacks its Chinese or its English, or one of them is empty (a published record has both).",
    "missing", "{language} text",
)
EMPTY_LANGUAGE = MISSING_LANGUAGE.form("is empty", "{language} text")
NO_CHINESE = problem(
    "no-chinese", "No Chinese",
    "A text's zh holds no Chinese character: it is in the wrong language, or the languages are swapped.",
    "contains no Chinese characters", "Chinese text",
)
DUPLICATE_ID = problem(
    "duplicate-id", "Duplicate id",
    "Two records of one kind have the same id (tasks and figures: across all plans), or the glossary has a Chinese term twice.",
    "duplicate {kind} {value!r} (first at {first})", "a unique {kind}",
)
INVALID_VERSION = problem(
    "invalid-version", "Invalid version",
    "package.yaml's version is not MAJOR.MINOR.PATCH of whole numbers without leading zeros (semantic versioning, as releases are named).",
    "{value!r} is not a version", "MAJOR.MINOR.PATCH without leading zeros, such as 1.0.0",
)
INVALID_DATE = problem(
    "invalid-date", "Invalid date-time",
    "package.yaml's created is not a UTC date-time (YYYY-MM-DDTHH:MM:SSZ).",
    "{value!r} is not a UTC date-time", "{expected}",
)

# --- sources, vocabularies, organizations (content/sources.py, content/vocabularies.py) -------
NO_SOURCE = problem(
    "no-source", "No source",
    "The content folder has no source (sources/<id>.yaml): plans have nothing to quote.",
    "no source described", "at least one sources/<id>.yaml",
)
ID_DIFFERS_FROM_FILE_NAME = problem(
    "id-differs-from-file-name", "Id differs from the file name",
    "A source's or plan's id is not the name of its file: plans/<id>.yaml and sources/<id>.yaml hold the record <id>.",
    "{value!r} differs from the file name {stem!r}", "id {stem!r}",
)
INVALID_FILE_NAME = problem(
    "invalid-file-name", "Not a plain file name",
    "A source's file is not a plain name of a file beside it (a path, or a name starting with a dot).",
    "{value!r} is not a plain file name", "a file beside this one",
)
SOURCE_TEXT_MISSING = problem(
    "source-text-missing", "Source text missing",
    "The text file a source names is not there, so its plans' quotes cannot be checked.",
    "source text {path} is missing", "the verbatim text of the source",
)
SOURCE_CHANGED = problem(
    "source-changed", "Source text changed",
    "A source's text no longer has the SHA-256 its description states: it was edited after its quotes were checked. "
    "Restore it, or review every quote from it and update the hash.",
    "the source text has changed: {path} has SHA-256 {digest}", "{stated} (restore the file, or review every quote and update the hash)",
)
UNKNOWN_VOCABULARY = problem(
    "unknown-vocabulary", "Unknown vocabulary",
    "vocabularies/ holds a file that is none of the vocabularies (often a misspelt name, which is then not read).",
    "unknown vocabulary {name!r}{hint}", "one of {files}",
)
UNKNOWN_REFERENCE = problem(
    "unknown-reference", "Unknown reference",
    "An id that should name a record of another file (a source, a region, a theme, an organization, a task of the plan) names none "
    "(the closest id is suggested).",
    "unknown {kind} {value!r}{hint}", "an id from {kind}s",
)
UNKNOWN_TASK = UNKNOWN_REFERENCE.form("unknown task {value!r}", "the id of a task of this plan")
PARENT_NOT_ABOVE = problem(
    "parent-not-above", "Parent not above",
    "A region's parent is not of a higher level (a province's parent is China, a city's its province).",
    "{parent!r} is a {parent_level} region, not above this {level} one", "a region of a higher level",
)
DRAFT_REFERENCE = problem(
    "draft-reference", "Reference to a draft",
    "A published record refers to a draft (status: draft), which is never published: review the draft first.",
    "refers to the draft {kind} {value!r}", "a reviewed {kind} (remove its status: draft)",
)

# --- plans (content/plans.py) -----------------------------------------------------------------
NO_PLAN = problem(
    "no-plan", "No plan",
    "The content folder has no plan (plans/<id>.yaml).",
    "no plan found", "at least one plans/<id>.yaml",
)
QUOTE_NOT_FOUND = problem(
    "quote-not-found", "Quote not found in its source",
    "A Chinese text that must be quoted verbatim (a title, a statement, a task, a figure's quote) does not occur in the "
    "plan's source, whitespace aside; the report says how much of it matches and where it stops matching.",
    "not found in source {source}: {miss}", "a verbatim quote of the source (whitespace aside)",
)
GLOSSARY_RENDERING_MISSING = problem(
    "glossary-rendering-missing", "Glossary rendering missing",
    "The Chinese uses a glossary term, but the English uses none of the renderings the glossary gives for it.",
    "the Chinese uses the glossary term {term!r} but the English lacks its rendering", "the English to contain {renderings}",
)
RANGE_REVERSED = problem(
    "range-reversed", "Range reversed",
    "The end of a range is before its start: a plan's period_end before its period_start, a figure's value_to below its value.",
    "{end} is before period_start {start}", "an end year not before the start year",
)
VALUE_TO_BELOW_VALUE = RANGE_REVERSED.form("is less than value", "the end of the range, not below its start")
COUNT_NOT_STATED = problem(
    "count-not-stated", "Count not stated",
    "A plan's issuer_count is not a number its announcement states, or its task_count one its task_count_quote states.",
    "{count} is not stated in the announcement quote", "the number of issuing departments the announcement states",
)
TASK_COUNT_NOT_STATED = COUNT_NOT_STATED.form("{count} is not stated in task_count_quote", "the count the quote states")
COUNT_BELOW_LISTED = problem(
    "count-below-listed", "Count below the issuers listed",
    "A plan's issuer_count is smaller than the number of issuers it lists.",
    "{count} is fewer than the {listed} issuers listed", "a count at least the number of issuers",
)
COUNT_WITHOUT_NUMBER = problem(
    "count-without-number", "Count quote without a count",
    "A plan gives the sentence that states its number of tasks (task_count_quote) but not the number (task_count).",
    "is empty although task_count_quote is given", "the count the quote states",
)
COUNT_WITHOUT_QUOTE = problem(
    "count-without-quote", "Count without its quote",
    "A plan gives a number of tasks (task_count) but not the sentence that states it (task_count_quote).",
    "is empty although task_count is given", "the sentence that states the count",
)
TASK_COUNT_MISMATCH = problem(
    "task-count-mismatch", "Task count contradicts the tasks",
    "The number of tasks a plan states does not agree with the tasks described: with task_count_rule equal they must be as many, "
    "with at-most no more.",
    "the plan states {stated} tasks but {described} are described",
    "as many tasks as stated (task_count_rule: equal), or task_count_rule: at-most when the source describes only some",
)
TASK_COUNT_EXCEEDED = TASK_COUNT_MISMATCH.form("the plan states {stated} tasks but {described} are described", "no more tasks than stated")
NO_TASK = problem(
    "no-task", "No task",
    "A plan with task_count_rule equal and no stated count describes no task (use at-most when the source describes none).",
    "no task is described", "the plan's tasks",
)
DUPLICATE_ORDINAL = problem(
    "duplicate-ordinal", "Duplicate ordinal",
    "Two tasks of a plan have the same ordinal.",
    "ordinal {ordinal} is used twice (first at line {first})", "ordinals 1, 2, 3 … in source order",
)
ORDINAL_OUT_OF_ORDER = problem(
    "ordinal-out-of-order", "Ordinal out of order",
    "A task's ordinal is not its position in the plan: tasks are numbered 1, 2, 3 … in the order the source gives them.",
    "ordinal {ordinal} in position {position}", "ordinal {position} (tasks numbered 1, 2, 3 … in source order)",
)
EMPTY_LIST = problem(
    "empty-list", "No theme",
    "A published task has no theme; every task has at least one.",
    "is empty", "at least one theme",
)
TITLE_NOT_IN_TEXT = problem(
    "title-not-in-text", "Title not in the text",
    "A task's Chinese title is not an excerpt of the task's own text.",
    "is not part of the task's text", "a verbatim excerpt of text.zh",
)
LABEL_NOT_PRINTED = problem(
    "label-not-printed", "Label not printed",
    "A task's label (一是, （一）) is not what the source prints right before the task's text.",
    "{label!r} is not printed right before the task's text (the source has {printed!r})", "the number exactly as printed before the text",
)
VALUE_NOT_IN_QUOTE = problem(
    "value-not-in-quote", "Value not in the quote",
    "A figure's value (or value_to) cannot be read from the figure's own quote, in Arabic or Chinese numerals (万 and 亿 included).",
    "{value} cannot be read from the quote {quote!r}", "a number the quote states (Arabic or Chinese numerals)",
)

# --- to-dos: what a person must still do on a draft (status: draft) ----------------------------
REVIEW_DRAFT = problem(
    "review-draft", "Draft to review",
    "A plan is a draft, as the importer writes it: a person reviews its tasks, figures and suggested themes, groups and actors, "
    "then removes status: draft to publish it.",
    "a draft: review its {tasks} tasks, {figures} figures and the suggested themes, groups and actors",
    "the plan reviewed, then status: draft removed to publish it", "todo",
)
TRANSLATE = problem(
    "translate", "To translate",
    "A draft's text has its Chinese but no English yet.",
    "to translate", "an English translation", "todo",
)
FILL_IN = problem(
    "fill-in", "To fill in",
    "A field of a draft that a person decides (level, region, publisher, rights, kind …) is still empty.",
    "is still empty", "{expected}", "todo",
)
NAME_ISSUERS = problem(
    "name-issuers", "Issuers to name",
    "A draft plan names no issuer yet: name those the source names (none, if it names none).",
    "no issuer named yet", "the issuing organizations the source names (none, if it names none)", "todo",
)
DESCRIBE_TASKS = problem(
    "describe-tasks", "Tasks to describe",
    "The importer found no task in a draft plan whose task_count_rule is equal: quote its tasks, or set at-most.",
    "no task found yet", "the plan's tasks, quoted from the source", "todo",
)
CHOOSE_THEMES = problem(
    "choose-themes", "Themes to choose",
    "A task of a draft has no theme yet.",
    "no theme chosen yet", "at least one theme", "todo",
)

# --- errors the library raises (errors.py, cli.py, content/sources.py, importer/) -------------
ACTIONPLANS_ERROR = error_code(
    "actionplans-error", "Error", "An error the library raises on purpose that has no more precise code.",
)
CONTENT_INVALID = error_code(
    "content-invalid", "Content has problems",
    "The content folder has one or more errors; each is listed with its own problem code, then their number.",
)
DATAPACKAGE_INVALID = error_code(
    "datapackage-invalid", "Data package unreadable", "A data package is missing, of another format, or inconsistent.",
)
MISSING_DEPENDENCY = error_code(
    "missing-dependency", "Optional dependency missing",
    "A command needs a library that is installed only with an extra (pip install 'actionplans[import]').",
)
SOURCE_TEXT_UNREADABLE = error_code(
    "source-text-unreadable", "Source text unreadable",
    "A source page needs the source's text from the content folder, which cannot be read.",
)
SOURCE_TEXT_DIFFERS = error_code(
    "source-text-differs", "Source text differs from the data package",
    "A source's text in the content folder is not the one the data package was made from (run actionplans package).",
)
IMPORT_FAILED = error_code(
    "import-failed", "Import failed", "A file could not be imported.",
)
IMPORT_UNREADABLE = error_code(
    "import-unreadable", "File to import unreadable", "The file to import cannot be read.",
)
IMPORT_TOO_LARGE = error_code(
    "import-too-large", "File to import too large", "The file to import is larger than the importer reads (20 MiB).",
)
IMPORT_EMPTY = error_code(
    "import-empty", "File to import empty", "The file to import is empty, or holds only white space.",
)
IMPORT_UNKNOWN_KIND = error_code(
    "import-unknown-kind", "Unknown kind of file", "The importer reads .txt, .html, .htm, .docx and .pdf files; the file is of another kind.",
)
IMPORT_BINARY = error_code(
    "import-binary", "Binary file", "A file named as text holds binary data.",
)
IMPORT_UNKNOWN_ENCODING = error_code(
    "import-unknown-encoding", "Unknown encoding",
    "A text file is not UTF-8, and no other encoding reads it as Chinese with confidence (convert it to UTF-8 first).",
)
IMPORT_NO_CHINESE = error_code(
    "import-no-chinese", "No Chinese text", "The file's text holds no Chinese character.",
)
IMPORT_NO_MAIN_TEXT = error_code(
    "import-no-main-text", "No main text in the page", "A saved web page has no main text (in Chinese) to import.",
)
IMPORT_NOT_DOCX = error_code(
    "import-not-docx", "Not a Word document", "A .docx file cannot be read as a Word document.",
)
IMPORT_NOT_PDF = error_code(
    "import-not-pdf", "Not a readable PDF", "A .pdf file cannot be read as a PDF.",
)
IMPORT_NO_TEXT_LAYER = error_code(
    "import-no-text-layer", "PDF without text", "A PDF has no text layer (a scan): run OCR on it first.",
)
IMPORT_NO_PLAN = error_code(
    "import-no-plan", "No plan found",
    "The text names no plan: no title in 《》 issued as a 方案, 计划, 规划, 意见 or 通知, and no such heading.",
)
IMPORT_SOURCE_ID = error_code(
    "import-source-id", "Unusable --source-id", "--source-id is not a valid id, or is given with more than one file.",
)
IMPORT_EXISTS = error_code(
    "import-exists", "Files already exist", "Importing would replace files of the content folder; --force allows it.",
)
RELEASE_TAG_UNKNOWN = error_code(
    "release-tag-unknown", "Tag names no release",
    "A tag given to actionplans assets is not v followed by the version of a release the built site publishes (v1.2.0 for 1.2.0).",
)
RELEASE_ASSET_UNVERIFIED = error_code(
    "release-asset-unverified", "Release file not verified",
    "A file of a release to attach is missing, not listed in the release's SHA256SUMS, or has another SHA-256 than it lists; "
    "or the folder to copy the files into already holds other files.",
)


# --- reference documentation -----------------------------------------------------------------
def reference() -> str:
    """``docs/problems.md``: every code, its title, what it means and what is expected."""
    lines = [
        "# Problem and error codes",
        "",
        "Generated from `src/actionplans/problems.py` by `nox -s docs`; do not edit by hand.",
        "",
        "`actionplans check` reports each problem of the content as `path:line: field: message; expected … [code]`. "
        "An *error* stops `check`, `package` and `build`; a *to-do* is what a person must still do on a draft "
        "(`status: draft`): `check` lists it and succeeds. Other errors stop a command with `error: message [code]`. "
        "A code stays the same when the wording of its message changes: look it up here, or search for it.",
        "",
        "In the messages, `{name}` stands for a value the report fills in; `{expected}` is what the field's format says "
        "it holds (see [content-format.md](content-format.md)), and `{hint}` a suggestion such as `; did you mean 'zh'?`.",
        "",
        "## Problems of the content",
        "",
        "| code | severity | title |",
        "|---|---|---|",
    ]
    ordered = sorted(PROBLEMS.items())
    lines += [f"| [`{code}`](#{code}) | {forms[0].severity} | {forms[0].title} |" for code, forms in ordered]
    for code, forms in ordered:
        first = forms[0]
        lines += ["", f"### `{code}`", "", f"**{first.title}** ({first.severity}). {first.description}", ""]
        lines += [f"- `{form.message}`; expected {_expected(form.expected)}" for form in forms]
    lines += ["", "## Errors", "", "Any other error stops the command, which prints `error: message [code]` and exits with 1.", ""]
    lines += ["| code | title | meaning |", "|---|---|---|"]
    lines += [f"| `{code}` | {error.title} | {error.description} |" for code, error in sorted(ERRORS.items())]
    lines.append("")
    return "\n".join(lines)


def _expected(template: str) -> str:
    return f"`{template}`" if "{" in template else template

