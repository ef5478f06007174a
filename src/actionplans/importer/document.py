"""A text as the importer reads it: paragraphs and sentences, each a span of the joined text.

Positions are offsets in ``SourceText.joined`` (the text with every whitespace character
removed), the same coordinates the content checks locate quotes in, so every slice taken here
is a quote that passes the verbatim check by construction. Paragraphs are rebuilt from the
layout: a text set in narrow newspaper columns breaks lines inside words and sentences, a web
page or a document gives one paragraph per line.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from functools import cached_property

from ..quotes import SourceText, squeeze

#: What a sentence may end with (closing quotes and brackets may follow).
SENTENCE_END = re.compile(r"[。！？!?；;…][”’」』\"')）]*$")
_ENDS_LINE = re.compile(r"[。！？!?；;：:…][”’」』\"')）]*$")
#: A paragraph's usual first words in news and plan texts.
OPENERS = re.compile(
    r"^(近日|日前|近期|日日|今年|据了解|据介绍|据悉|据统计|据国家|记者|本报讯|为进一步|为深入|为贯彻|为加快|为切实|为全面|为做好|为推动|"
    r"其中|此外|同时|另外|此次|该方案|根据|按照|到20\d\d年|《[^》]{1,12}》(明确|提出|要求|强调|指出|列出|围绕|规定|还|从)|"
    r"[一二三四五六七八九十]+是|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[.．、](?!\d)|■|▲|●)"
)
BYLINE = re.compile(r"^[■▲●◆□]?(本报记者|本报通讯员|本报特约记者|特约记者|通讯员|记者|作者[:：]|文[/／]|撰文[:：])")
_URL = re.compile(r"https?://|www\.|\.(com|cn|net|org|html?)(\b|/)|\bICP\b", re.I)
FURNITURE = re.compile(
    r"(首页|当前位置|您的位置|您现在的位置|位置[:：]).{0,40}(>|›|»|＞|→)|^(责任编辑|责编|编辑|审核|校对|终审|初审|来源|稿源|发布时间|发布日期|"
    r"时间|日期|浏览次数|阅读次数|访问量|点击数|字号|字体|打印|关闭|分享到|分享|扫一扫|扫描|二维码|上一篇|下一篇|相关新闻|相关阅读|相关文章|"
    r"相关链接|推荐阅读|热点|热门|延伸阅读|附件|主办|承办|协办|技术支持|网站地图|联系我们|版权所有|版权声明|免责声明|Copyright|©)|"
    r"(版权所有|版权声明|Copyright|©|蜘蛛池|网站备案|公网安备|转载请注明|违者必究|追究.{0,6}法律责任|【字体|\[字体|【打印|【关闭)",
    re.I,
)


#: A line that ends an article on a web page: what follows is other articles' teasers.
ARTICLE_END = re.compile(
    r"^(?:TheEnd|THEEND|[（(]完[）)]|相关阅读|相關閱讀|推荐阅读|推薦閱讀|热门阅读|延伸阅读|今日看点|猜你喜欢|精彩推荐|相关新闻|相关文章)[:：]?$"
)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph: its span of the joined text and what it is (text, heading, byline, furniture)."""

    start: int
    end: int
    kind: str


class Document:
    """A source text with its paragraphs and sentences."""

    def __init__(self, raw: str) -> None:
        self.source = SourceText(raw)
        self.joined = self.source.joined
        #: Positions of the joined text that follow whitespace or a line break in the raw text.
        self.gaps = _gaps(raw)
        self.paragraphs = list(self._paragraphs(raw))

    def text(self, start: int, end: int) -> str:
        return self.joined[start:end]

    def _paragraphs(self, raw: str) -> list[Paragraph]:
        lines = [
            (self.source._starts[i] if i < len(self.source._starts) else len(self.joined), squeeze(line))
            for i, line in enumerate(raw.split("\n"))
        ]
        lines = [(start, text) for start, text in lines if text]
        if not lines:
            return []
        width = statistics.median(len(text) for _, text in lines)
        # Set in columns (a newspaper, a PDF), lines are of one width and break inside sentences;
        # a web page or a document gives each paragraph a line of its own length.
        uniform = sum(1 for _, text in lines if width - 3 <= len(text) <= width + 1) / len(lines)
        column = uniform >= 0.5 and len(lines) >= 6
        out: list[Paragraph] = []
        begin = lines[0][0]
        for index, (start, text) in enumerate(lines):
            end = start + len(text)
            following = lines[index + 1][1] if index + 1 < len(lines) else ""
            pending = self.joined[max(begin, end - 80) : end]
            if pending.rfind("《") > pending.rfind("》") and following:
                brk = False  # a title broken across lines goes on
            elif not column:
                brk = True
            else:
                short = len(text) < width
                brk = (
                    not following
                    or (
                        bool(_ENDS_LINE.search(text))
                        and (short or bool(OPENERS.match(following)) or bool(BYLINE.match(following)))
                    )
                    or (not _ENDS_LINE.search(text) and (bool(OPENERS.match(following)) or bool(BYLINE.match(following))))
                    or bool(BYLINE.match(text))
                    or (bool(FURNITURE.search(text)) and len(text) < 60)
                    or "|" in text
                    or (bool(FURNITURE.search(following)) and len(following) < 60)
                )
            if brk:
                out.append(Paragraph(begin, end, self._kind(self.joined[begin:end])))
                begin = lines[index + 1][0] if index + 1 < len(lines) else end
        # after an article's end (The End, 相关阅读 …) a page shows other articles' teasers
        ended = next((i for i, p in enumerate(out) if ARTICLE_END.match(self.joined[p.start : p.end])), len(out))
        return out[:ended] + [Paragraph(p.start, p.end, "furniture") for p in out[ended:]]

    @staticmethod
    def _kind(text: str) -> str:
        if BYLINE.match(text) and len(text) < 40:
            return "byline"
        if _URL.search(text) or (FURNITURE.search(text) and len(text) < 120) or text.count("|") >= 3:
            return "furniture"
        if (
            not SENTENCE_END.search(text)
            and not text.endswith(("：", ":"))
            and (len(text) < 60 or not re.search(r"[。！？；，,]", text))
        ):
            return "heading"
        return "text"

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """Every sentence of the text paragraphs, as (start, end), ending after its 。！？； or
        at its paragraph's end."""
        out = []
        for paragraph in self.paragraphs:
            if paragraph.kind != "text":
                continue
            text = self.joined[paragraph.start : paragraph.end]
            begin = 0
            depth = quote_depth(text, "《“", "》”")
            for match in re.finditer(r"[。！？!?；;][”’」』\"')）]*", text):
                if not depth[match.start()]:
                    out.append((paragraph.start + begin, paragraph.start + match.end()))
                    begin = match.end()
            if begin < len(text):
                out.append((paragraph.start + begin, paragraph.end))
        return out

    def sentence_at(self, position: int) -> tuple[int, int]:
        for start, end in self.sentences:
            if start <= position < end:
                return start, end
        return position, position

    def paragraph_at(self, position: int) -> Paragraph | None:
        for paragraph in self.paragraphs:
            if paragraph.start <= position < paragraph.end:
                return paragraph
        return None


def _gaps(raw: str) -> set[int]:
    out = set()
    position = 0
    after_space = True
    for ch in raw:
        if ch.isspace():
            after_space = True
            continue
        if after_space:
            out.add(position)
        after_space = False
        position += 1
    return out


_OPEN, _CLOSE = "《“‘「『(（[【", "》”’」』)）]】"


#: The longest title, quotation or bracket; one left open longer than this was never closed
#: (a text cut off inside it).
LONGEST_QUOTE = 100


def quote_depth(text: str, openers: str = _OPEN, closers: str = _CLOSE) -> list[int]:
    """For each character, how many titles, quotations or brackets it stands inside."""
    opened: list[int] = []
    out = []
    for i, ch in enumerate(text):
        while opened and i - opened[0] > LONGEST_QUOTE:
            opened.pop(0)
        if ch in closers and opened:
            opened.pop()
        out.append(len(opened))
        if ch in openers:
            opened.append(i)
    return out
