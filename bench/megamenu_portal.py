"""A static portal with a mega-menu, for benchmarking generic mode (bench/bench_generic.py).

    python bench/megamenu_portal.py OUT_DIR [--articles 3000]     # render it, to look at or serve
    python bench/static_site.py serve OUT_DIR                      # then serve it with nginx

A district portal of the kind generic mode meets (a CMS with ``.html`` URLs), with what makes
such portals heavy to read: every page carries a mega-menu of about 300 links (nested ul/li,
twelve sections, their groups and pages, the wards' sub-pages; Vietnamese names), a header clock
with today's date, a sidebar with "Tin mới" links, a visitor counter and a links box, and a
footer with the licence and its date. Deterministic for a given seed.

- Home ``/``: featured news and a box of headlines per news category.
- 18 news categories: listings ``/chuyen-muc/tin-tuc.html``, ``/chuyen-muc/tin-tuc-2.html``...
  with 20 headline links each (image, title, date, teaser) and a numbered pager
  (``Trang trước 1 ... 4 5 6 ... 12 Trang sau``).
- Articles ``/tin-tuc/<slug>-<id>.html``: breadcrumb, ``<h1>`` title, ``Đăng lúc: 08:45
  14/03/2024`` and ``Lượt xem: 1.234``, a lead, 5-8 paragraphs of Vietnamese text, sometimes a
  photo with its caption, the byline ``Tin, ảnh: Nguyễn Văn An`` as the last paragraph, print and
  back-to-top tools, and a "Tin cùng chuyên mục" block of eight related headlines with dates.
- Every other menu entry is a page of its own (the menu never leads to a 404): introductions,
  organisation charts, tables of documents with their dates (never articles), lists of
  procedures, "being updated" pages.

The text comes from the sample portal's phrase pools (`sample_portal.phrases`: the same
topics, places and officials as the SharePoint sample), with the slots filled here. No link of
the portal is one generic mode refuses to follow (search, print, RSS, attachments...), so a
spider that follows every same-host link requests exactly the pages a generic crawl does.
"""
from __future__ import annotations

import argparse
import html
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for _path in (str(ROOT), str(BENCH)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from sample_portal import phrases  # noqa: E402
from sample_portal.corpus import ascii_fold, thousands  # noqa: E402
from sample_portal.sharepoint import today_clock  # noqa: E402

VN_TZ = timezone(timedelta(hours=7))
SITE_NAME = "CỔNG THÔNG TIN ĐIỆN TỬ THỊ XÃ HỒNG LĨNH"
SITE_SHORT = "Cổng TTĐT thị xã Hồng Lĩnh"
PER_PAGE = 20
DEFAULT_SEED = 20240314

# (slug, name, topics of sample_portal.phrases, weight in the article mix)
NEWS: tuple[tuple[str, str, tuple[str, ...], int], ...] = (
    ("tin-tuc", "Tin tức - Sự kiện", ("meeting", "council", "reform", "party"), 8),
    ("hoat-dong-lanh-dao", "Hoạt động của lãnh đạo", ("meeting", "council"), 3),
    ("tin-phuong-xa", "Tin phường, xã", ("meeting", "rural", "social"), 4),
    ("xay-dung-dang", "Xây dựng Đảng", ("party",), 2),
    ("cai-cach-hanh-chinh", "Cải cách hành chính", ("reform",), 2),
    ("chuyen-doi-so", "Chuyển đổi số", ("reform",), 1),
    ("nong-nghiep", "Nông nghiệp", ("agriculture",), 2),
    ("nong-thon-moi", "Xây dựng nông thôn mới", ("rural",), 2),
    ("tai-chinh-ngan-sach", "Tài chính - Ngân sách", ("finance",), 1),
    ("do-thi-xay-dung", "Đô thị - Xây dựng", ("works",), 2),
    ("giao-duc", "Giáo dục - Đào tạo", ("education",), 2),
    ("y-te", "Y tế", ("health",), 1),
    ("van-hoa-the-thao", "Văn hóa - Thể thao", ("culture",), 2),
    ("an-sinh-xa-hoi", "An sinh xã hội", ("social",), 2),
    ("quan-su-dia-phuong", "Quân sự địa phương", ("military",), 1),
    ("an-ninh-trat-tu", "An ninh trật tự", ("police", "order"), 2),
    ("phong-chay-chua-chay", "Phòng cháy, chữa cháy", ("order",), 1),
    ("moi-truong", "Tài nguyên - Môi trường", ("works", "agriculture"), 1),
)
NEWS_GROUPS = (
    ("Thời sự", ("tin-tuc", "hoat-dong-lanh-dao", "tin-phuong-xa", "xay-dung-dang", "cai-cach-hanh-chinh",
                 "chuyen-doi-so")),
    ("Kinh tế", ("nong-nghiep", "nong-thon-moi", "tai-chinh-ngan-sach", "do-thi-xay-dung", "moi-truong")),
    ("Văn hóa - Xã hội", ("giao-duc", "y-te", "van-hoa-the-thao", "an-sinh-xa-hoi")),
    ("Quốc phòng - An ninh", ("quan-su-dia-phuong", "an-ninh-trat-tu", "phong-chay-chua-chay")),
)
WARDS = ("Phường Bắc Hồng", "Phường Nam Hồng", "Phường Đức Thuận", "Phường Trung Lương", "Phường Đậu Liêu",
         "Xã Thuận Lộc")
# (section name, slug, kind of its pages, groups: (group name, page names))
SECTIONS: tuple[tuple[str, str, str, tuple[tuple[str, tuple[str, ...]], ...]], ...] = (
    ("Giới thiệu", "gioi-thieu", "intro", (
        ("Tổng quan", ("Lịch sử hình thành", "Vị trí địa lý", "Điều kiện tự nhiên", "Dân số - Lao động",
                       "Đơn vị hành chính", "Bản đồ hành chính", "Cơ sở hạ tầng")),
        ("Văn hóa - Du lịch", ("Di tích lịch sử", "Danh lam thắng cảnh", "Lễ hội truyền thống",
                               "Làng nghề truyền thống", "Ẩm thực địa phương", "Tuyến du lịch", "Cơ sở lưu trú")),
        ("Tiềm năng - Thế mạnh", ("Tiềm năng phát triển", "Định hướng phát triển", "Cơ hội đầu tư",
                                  "Sản phẩm OCOP", "Hạ tầng cụm công nghiệp")),
        ("Thành tích", ("Danh hiệu thi đua", "Anh hùng lực lượng vũ trang", "Bà mẹ Việt Nam anh hùng",
                        "Gương người tốt việc tốt", "Điển hình tiên tiến")),
    )),
    ("Tổ chức bộ máy", "to-chuc-bo-may", "people", (
        ("Thị ủy", ("Ban Thường vụ Thị ủy", "Ban Chấp hành Đảng bộ", "Văn phòng Thị ủy", "Ban Tổ chức Thị ủy",
                    "Ban Tuyên giáo Thị ủy", "Ủy ban Kiểm tra Thị ủy", "Ban Dân vận Thị ủy", "Trung tâm Chính trị")),
        ("HĐND thị xã", ("Thường trực HĐND", "Ban Kinh tế - Xã hội", "Ban Pháp chế", "Đại biểu HĐND thị xã",
                         "Kỳ họp HĐND")),
        ("UBND thị xã", ("Lãnh đạo UBND", "Văn phòng HĐND và UBND", "Phòng Nội vụ", "Phòng Tư pháp",
                         "Phòng Tài chính - Kế hoạch", "Phòng Kinh tế", "Phòng Quản lý đô thị",
                         "Phòng Tài nguyên và Môi trường", "Phòng Lao động - Thương binh và Xã hội",
                         "Phòng Văn hóa và Thông tin", "Phòng Giáo dục và Đào tạo", "Phòng Y tế", "Thanh tra thị xã")),
        ("Đơn vị sự nghiệp", ("Trung tâm Văn hóa - Truyền thông", "Trung tâm Y tế", "Ban Quản lý dự án",
                              "Trung tâm Giáo dục nghề nghiệp", "Đội Quản lý trật tự đô thị", "Ban Quản lý chợ")),
        ("Mặt trận - Đoàn thể", ("Ủy ban MTTQ Việt Nam", "Hội Liên hiệp Phụ nữ", "Đoàn Thanh niên", "Hội Nông dân",
                                 "Hội Cựu chiến binh", "Liên đoàn Lao động", "Hội Chữ thập đỏ", "Hội Người cao tuổi")),
        ("Phường, xã", WARDS),
    )),
    ("Tin tức - Sự kiện", "chuyen-muc", "news", ()),  # groups: NEWS_GROUPS
    ("Chỉ đạo điều hành", "chi-dao-dieu-hanh", "documents", (
        ("Lịch công tác", ("Lịch công tác tuần", "Lịch tiếp công dân", "Lịch họp giao ban")),
        ("Thông báo", ("Thông báo", "Giấy mời", "Kết luận của lãnh đạo", "Thông cáo báo chí")),
        ("Chương trình - Kế hoạch", ("Chương trình công tác năm", "Kế hoạch thực hiện", "Báo cáo định kỳ")),
    )),
    ("Văn bản", "van-ban", "documents", (
        ("Văn bản quy phạm pháp luật", ("Nghị quyết HĐND", "Quyết định UBND", "Chỉ thị UBND")),
        ("Văn bản điều hành", ("Công văn", "Kế hoạch", "Quyết định cá biệt", "Báo cáo")),
        ("Văn bản Đảng", ("Nghị quyết Thị ủy", "Chỉ thị Thị ủy", "Kết luận Thị ủy", "Hướng dẫn")),
        ("Dự thảo", ("Dự thảo văn bản", "Lấy ý kiến Nhân dân", "Kết quả tiếp thu ý kiến")),
    )),
    ("Thủ tục hành chính", "thu-tuc-hanh-chinh", "procedures", (
        ("Cấp thị xã", ("Lĩnh vực Hộ tịch", "Lĩnh vực Chứng thực", "Lĩnh vực Đất đai", "Lĩnh vực Xây dựng",
                        "Lĩnh vực Kinh doanh", "Lĩnh vực Tài nguyên nước", "Lĩnh vực Môi trường",
                        "Lĩnh vực Giáo dục", "Lĩnh vực Y tế", "Lĩnh vực Văn hóa", "Lĩnh vực Thông tin - Truyền thông",
                        "Lĩnh vực Lao động", "Lĩnh vực Người có công", "Lĩnh vực Bảo trợ xã hội", "Lĩnh vực Nội vụ",
                        "Lĩnh vực Thi đua - Khen thưởng", "Lĩnh vực Tôn giáo", "Lĩnh vực Tư pháp",
                        "Lĩnh vực Giao thông", "Lĩnh vực Nông nghiệp", "Lĩnh vực Công thương", "Lĩnh vực Tài chính",
                        "Lĩnh vực Kế hoạch - Đầu tư", "Lĩnh vực Thanh tra")),
        ("Cấp phường, xã", ("Hộ tịch cấp xã", "Chứng thực cấp xã", "Đất đai cấp xã", "Bảo trợ xã hội cấp xã",
                            "Người có công cấp xã", "Văn hóa cấp xã", "Nông nghiệp cấp xã", "Tôn giáo cấp xã",
                            "Hòa giải cơ sở", "Nuôi con nuôi")),
        ("Dịch vụ công", ("Dịch vụ công trực tuyến", "Kết quả giải quyết hồ sơ", "Đánh giá mức độ hài lòng",
                          "Hướng dẫn nộp hồ sơ", "Bộ phận Một cửa")),
    )),
    ("Quy hoạch - Kế hoạch", "quy-hoach-ke-hoach", "documents", (
        ("Quy hoạch", ("Quy hoạch chung đô thị", "Quy hoạch sử dụng đất", "Quy hoạch xây dựng",
                       "Quy hoạch nông thôn mới", "Quy hoạch giao thông", "Quy hoạch chi tiết")),
        ("Kế hoạch", ("Kế hoạch phát triển KT-XH", "Kế hoạch đầu tư công", "Kế hoạch sử dụng đất hằng năm",
                      "Kế hoạch 5 năm")),
    )),
    ("Đầu tư - Dự án", "dau-tu-du-an", "documents", (
        ("Dự án", ("Dự án kêu gọi đầu tư", "Dự án đang triển khai", "Dự án hoàn thành", "Dự án ODA")),
        ("Đấu thầu - Đấu giá", ("Thông báo mời thầu", "Kết quả lựa chọn nhà thầu", "Đấu giá quyền sử dụng đất",
                                "Mua sắm công")),
        ("Giải phóng mặt bằng", ("Thông báo thu hồi đất", "Phương án bồi thường", "Tái định cư")),
    )),
    ("Công khai", "cong-khai", "documents", (
        ("Ngân sách", ("Dự toán ngân sách", "Quyết toán ngân sách", "Thực hiện dự toán quý", "Ngân sách phường, xã")),
        ("Công khai khác", ("Công khai tài sản công", "Công khai đầu tư công", "Công khai giáo dục", "Công khai y tế",
                            "Kết quả giải quyết khiếu nại", "Công khai xử lý vi phạm")),
    )),
    ("Công dân - Doanh nghiệp", "cong-dan-doanh-nghiep", "intro", (
        ("Hỏi đáp", ("Hỏi đáp pháp luật", "Hỏi đáp thủ tục", "Câu hỏi thường gặp")),
        ("Phản ánh - Kiến nghị", ("Tiếp nhận phản ánh", "Kết quả trả lời phản ánh", "Đường dây nóng")),
        ("Doanh nghiệp", ("Hỗ trợ doanh nghiệp", "Chính sách ưu đãi", "Thông tin thị trường", "Giá cả thị trường")),
        ("Việc làm", ("Thông tin tuyển dụng", "Đào tạo nghề", "Xuất khẩu lao động")),
    )),
    ("Chuyên đề", "chuyen-de", "intro", (
        ("Chuyên đề", ("Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", "Đại hội Đảng bộ các cấp",
                       "Bầu cử đại biểu Quốc hội và HĐND", "Phòng, chống tham nhũng", "Phòng, chống dịch bệnh",
                       "An toàn giao thông", "Phổ biến giáo dục pháp luật", "Bình đẳng giới",
                       "Dân số - Kế hoạch hóa gia đình", "Cuộc vận động người Việt dùng hàng Việt")),
        ("Thư viện", ("Tin ảnh", "Video", "Phóng sự", "Infographic", "Ấn phẩm")),
        ("Thống kê", ("Số liệu dân số", "Số liệu kinh tế", "Niên giám thống kê", "Báo cáo tháng", "Báo cáo quý",
                      "Báo cáo năm")),
    )),
    ("Liên hệ", "thong-tin-lien-he", "people", (
        ("Danh bạ", ("Danh bạ điện thoại", "Danh bạ thư điện tử", "Đường dây nóng UBND", "Địa chỉ trụ sở",
                     "Thông tin về cổng")),
    )),
)
WARD_PAGES = ("Giới thiệu chung", "Lãnh đạo", "Hoạt động", "Văn bản")

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Phan", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Đinh")
MIDDLE = ("Văn", "Thị", "Hữu", "Đình", "Quang", "Minh", "Thanh", "Ngọc", "Xuân", "Đức", "Thị Thu", "Công")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Hương", "Lan", "Linh", "Long", "Mai",
         "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thắng", "Thảo", "Trung", "Tuấn", "Vinh", "Yến")
ROLES = ("Bí thư", "Phó Bí thư", "Chủ tịch", "Phó Chủ tịch", "Trưởng phòng", "Phó Trưởng phòng", "Chánh Văn phòng",
         "Chuyên viên", "Ủy viên")
INTRO_SENTENCES = (
    "Thị xã Hồng Lĩnh nằm ở phía Bắc tỉnh Hà Tĩnh, cách thành phố Hà Tĩnh khoảng 40 km, có Quốc lộ 1A và tuyến "
    "đường sắt Bắc - Nam chạy qua.",
    "Thị xã có diện tích tự nhiên 58,65 km², gồm 5 phường và 1 xã, dân số trên 39.000 người.",
    "Núi Hồng Lĩnh với 99 ngọn là biểu tượng của vùng đất, gắn với nhiều di tích lịch sử, văn hóa được xếp hạng.",
    "Nhân dân thị xã có truyền thống cần cù, hiếu học, đoàn kết, cách mạng, đóng góp nhiều sức người, sức của cho "
    "các cuộc kháng chiến.",
    "Trong những năm qua, kinh tế của thị xã duy trì tốc độ tăng trưởng khá, cơ cấu chuyển dịch theo hướng tăng tỷ "
    "trọng thương mại, dịch vụ.",
    "Hệ thống giao thông, điện, nước, trường học, trạm y tế được đầu tư đồng bộ, đáp ứng nhu cầu phát triển.",
    "Thị xã đang tập trung xây dựng đô thị văn minh, hiện đại, phấn đấu trở thành trung tâm kinh tế phía Bắc "
    "của tỉnh.",
    "Các thiết chế văn hóa, thể thao cơ sở được quan tâm đầu tư, phong trào toàn dân đoàn kết xây dựng đời sống "
    "văn hóa phát triển sâu rộng.",
    "Công tác cải cách hành chính được đẩy mạnh, 100% thủ tục hành chính được tiếp nhận tại Bộ phận Một cửa.",
    "Quốc phòng, an ninh được giữ vững, trật tự an toàn xã hội được đảm bảo, đời sống Nhân dân không ngừng "
    "được nâng lên.",
)
DOCUMENT_KINDS = (("QĐ-UBND", "Quyết định"), ("KH-UBND", "Kế hoạch"), ("TB-UBND", "Thông báo"),
                  ("CV-UBND", "Công văn"), ("NQ-HĐND", "Nghị quyết"), ("BC-UBND", "Báo cáo"))
DOCUMENT_SUBJECTS = (
    "về việc ban hành quy chế làm việc của UBND thị xã", "triển khai công tác cải cách hành chính năm {y}",
    "về việc phê duyệt dự toán ngân sách năm {y}", "tổ chức các hoạt động kỷ niệm ngày Quốc khánh 2/9",
    "về công tác phòng, chống thiên tai và tìm kiếm cứu nạn năm {y}", "thực hiện chương trình xây dựng nông thôn mới",
    "về việc giao chỉ tiêu kế hoạch phát triển kinh tế - xã hội năm {y}", "tăng cường công tác quản lý trật tự đô thị",
    "tổ chức kỳ thi tuyển sinh vào lớp 10 năm học {y}-{y1}", "về việc điều chỉnh quy hoạch sử dụng đất",
)
PROCEDURES = (
    "Đăng ký khai sinh", "Đăng ký kết hôn", "Đăng ký khai tử", "Cấp bản sao trích lục hộ tịch",
    "Chứng thực bản sao từ bản chính", "Chứng thực chữ ký", "Cấp giấy phép xây dựng nhà ở riêng lẻ",
    "Đăng ký hộ kinh doanh", "Cấp giấy chứng nhận quyền sử dụng đất lần đầu", "Đăng ký biến động đất đai",
    "Hỗ trợ chi phí mai táng", "Trợ cấp xã hội hằng tháng", "Xác nhận người có công", "Công nhận gia đình văn hóa",
)
NEWEST_IN_SIDEBAR = 8
RELATED = 8


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", ascii_fold(name).lower()).strip("-")


def esc(text: str) -> str:
    return html.escape(text, quote=True)


@dataclass
class Story:
    id: int
    category: str  # NEWS slug
    title: str
    sapo: str
    paragraphs: list[str]
    caption: str | None
    byline: str
    published: datetime
    views: int

    @property
    def path(self) -> str:
        return f"/tin-tuc/{slugify(self.title)[:80].rstrip('-')}-{self.id}.html"

    @property
    def short_date(self) -> str:
        return f"{self.published:%d/%m/%Y}"


@dataclass(frozen=True)
class OtherPage:
    path: str
    title: str
    kind: str  # intro, people, documents, procedures, landing, updating
    crumbs: tuple[tuple[str, str], ...]  # (name, path) above it
    children: tuple[tuple[str, str], ...] = ()  # (name, path): links in its body


class _Slots(dict):
    """Template slots of the phrase pools; an unknown slot reads as an empty string."""

    def __missing__(self, key: str) -> str:
        return ""


def _slots(rng: random.Random, when: datetime) -> _Slots:
    kind, name = rng.choice(phrases.PLACES)
    y, m = when.year, when.month
    period = (f"quý I năm {y}" if m <= 4 else f"6 tháng đầu năm {y}" if m <= 8
              else f"9 tháng đầu năm {y}" if m <= 11 else f"năm {y}")
    event = when - timedelta(days=rng.choice((0, 0, 1, 2)))
    dec = lambda lo, hi: f"{rng.uniform(lo, hi):.1f}".replace(".", ",")  # noqa: E731
    return _Slots({
        "place": f"{kind} {name}", "Place": f"{kind.capitalize()} {name}", "placename": name,
        "year": y, "next_year": y + 1, "school_year": f"{y}-{y + 1}" if m >= 8 else f"{y - 1}-{y}",
        "d": event.day, "m": event.month, "n": rng.randint(2, 9), "n2": rng.randint(12, 48),
        "n3": rng.randint(5, 14), "big": rng.randint(120, 980), "pct": dec(85, 99), "pct2": dec(60, 120),
        "pct3": dec(90, 99.9), "official": rng.choice(phrases.OFFICIALS), "period": period,
        "season": "vụ Xuân" if m <= 5 else "vụ Hè Thu" if m <= 9 else "vụ Đông", "yield_": rng.randint(52, 62),
        "area": dec(150, 480), "street": rng.choice(phrases.STREETS), "length": dec(0.8, 4.5),
        "hour": rng.randint(7, 22), "money_small": thousands(rng.choice((1, 2, 3, 5)) * 1_000_000),
        "money_big": thousands(rng.randint(12, 25) * 10_000_000), "students": thousands(rng.randint(5200, 9800)),
        "roman": "VIII" if y <= 2021 else "IX", "School": f"Trường {rng.choice(phrases.SCHOOL_LEVELS)} {name}",
    })


def person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


class MegaMenuPortal:
    """The portal's content and pages; `pages()` renders them, `render(root)` writes them."""

    def __init__(self, articles: int = 3000, seed: int = DEFAULT_SEED) -> None:
        self.seed = seed
        rng = random.Random(f"{seed}:stories")
        weights = [w for *_, w in NEWS]
        start = datetime(2019, 1, 1, tzinfo=VN_TZ)
        span_days = (datetime(2025, 6, 30, tzinfo=VN_TZ) - start).days
        self.stories: list[Story] = []
        for i in range(articles):
            slug, _, topics, _ = rng.choices(NEWS, weights)[0]
            when = start + timedelta(days=rng.randrange(span_days), minutes=rng.randrange(390, 1080))
            self.stories.append(self._compose(rng, 20_000 + 7 * i, slug, topics, when))
        self.stories.sort(key=lambda s: (s.published, s.id), reverse=True)
        self.by_category: dict[str, list[Story]] = {slug: [] for slug, *_ in NEWS}
        for story in self.stories:
            self.by_category[story.category].append(story)
        self.news_names = {slug: name for slug, name, *_ in NEWS}
        self.others = self._other_pages()
        self.menu_html, self.menu_links = self._menu()

    # -- content

    @staticmethod
    def _compose(rng: random.Random, story_id: int, category: str, topics: tuple[str, ...],
                 when: datetime) -> Story:
        topic = phrases.TOPICS_BY_NAME[rng.choice(topics)]
        slots = _slots(rng, when)
        fill = lambda t: t.format_map(slots)  # noqa: E731
        v = rng.randrange(len(topic.titles))
        middles = rng.sample(topic.middles, rng.randint(3, len(topic.middles)))
        closers = rng.sample(topic.closers, 2 if rng.random() < 0.3 and len(topic.closers) > 1 else 1)
        paragraphs = [fill(topic.openers[v]), *map(fill, middles), *map(fill, closers)]  # 5-8
        caption = fill(rng.choice(topic.captions)) if rng.random() < 0.4 else None
        views = rng.randint(1000, 25000) if rng.random() < 0.25 else rng.randint(12, 999)
        return Story(story_id, category, fill(topic.titles[v]), fill(topic.sapos[v]), paragraphs, caption,
                     f"Tin, ảnh: {person(rng)}", when, views)

    def _other_pages(self) -> list[OtherPage]:
        pages = []
        for name, slug, kind, groups in SECTIONS:
            if kind == "news":
                continue
            section = (name, f"/{slug}.html")
            group_links = []
            for group, leaves in groups:
                gslug = slugify(group)
                gpath = f"/{slug}/{gslug}.html"
                leaf_links = []
                for leaf in leaves:
                    path = f"/{slug}/{gslug}/{slugify(leaf)}.html"
                    wards = tuple((f"{p}", f"/{slug}/{gslug}/{slugify(leaf)}/{slugify(p)}.html")
                                  for p in WARD_PAGES) if leaf in WARDS else ()
                    pages.append(OtherPage(path, leaf, "landing" if wards else kind, (section, (group, gpath)), wards))
                    pages += [OtherPage(p, f"{leaf}: {n}", "intro", (section, (group, gpath), (leaf, path)))
                              for n, p in wards]
                    leaf_links.append((leaf, path))
                pages.append(OtherPage(gpath, group, "landing", (section,), tuple(leaf_links)))
                group_links.append((group, gpath))
            pages.append(OtherPage(section[1], name, "landing", (), tuple(group_links)))
        return pages

    def listing_path(self, category: str, page: int = 1) -> str:
        return f"/chuyen-muc/{category}.html" if page == 1 else f"/chuyen-muc/{category}-{page}.html"

    def pages_of(self, category: str) -> int:
        return max(1, -(-len(self.by_category[category]) // PER_PAGE))

    # -- chrome shared by every page

    def _menu(self) -> tuple[str, int]:
        links = 1
        out = ['<nav class="mega-menu" id="main-menu">', '<ul class="mm-top">',
               '<li class="mm-item mm-home"><a href="/">Trang chủ</a></li>']
        for name, slug, kind, groups in SECTIONS:
            if kind == "news":
                top = self.listing_path("tin-tuc")
                blocks = [(g, self.listing_path(cats[0]), [(self.news_names[c], self.listing_path(c), ())
                                                          for c in cats]) for g, cats in NEWS_GROUPS]
            else:
                top = f"/{slug}.html"
                blocks = []
                for group, leaves in groups:
                    gpath = f"/{slug}/{slugify(group)}.html"
                    items = []
                    for leaf in leaves:
                        lpath = f"/{slug}/{slugify(group)}/{slugify(leaf)}.html"
                        subs = tuple((p, f"/{slug}/{slugify(group)}/{slugify(leaf)}/{slugify(p)}.html")
                                     for p in WARD_PAGES) if leaf in WARDS else ()
                        items.append((leaf, lpath, subs))
                    blocks.append((group, gpath, items))
            out.append(f'<li class="mm-item has-panel"><a href="{top}">{esc(name)}</a>'
                       '<div class="mm-panel"><ul class="mm-groups">')
            links += 1
            for group, gpath, items in blocks:
                out.append(f'<li class="mm-group"><a class="mm-group-title" href="{gpath}">{esc(group)}</a>'
                           '<ul class="mm-links">')
                links += 1
                for leaf, lpath, subs in items:
                    sub = ""
                    if subs:
                        sub = ('<ul class="mm-sub">' + "".join(f'<li><a href="{p}">{esc(n)}</a></li>' for n, p in subs)
                               + "</ul>")
                        links += len(subs)
                    out.append(f'<li><a href="{lpath}">{esc(leaf)}</a>{sub}</li>')
                    links += 1
                out.append("</ul></li>")
            out.append("</ul></div></li>")
        out += ["</ul>", "</nav>"]
        return "\n".join(out), links

    def _sidebar(self, counter: int) -> str:
        newest = "".join(f'<li><a href="{s.path}">{esc(s.title)}</a> <span class="ngay">({s.short_date})</span></li>'
                         for s in self.stories[:NEWEST_IN_SIDEBAR])
        today = 300 + counter % 900
        return (
            '<div class="cot-phai">\n'
            f'<div class="khoi"><div class="tieu-de-khoi">Tin mới</div><ul class="tin-moi">{newest}</ul></div>\n'
            '<div class="khoi"><div class="tieu-de-khoi">Liên kết website</div><ul class="lien-ket">'
            '<li><a href="https://chinhphu.vn/" target="_blank">Cổng TTĐT Chính phủ</a></li>'
            '<li><a href="https://hatinh.gov.vn/" target="_blank">Cổng TTĐT tỉnh Hà Tĩnh</a></li>'
            '<li><a href="https://dichvucong.gov.vn/" target="_blank">Cổng Dịch vụ công quốc gia</a></li>'
            '<li><a href="https://baohatinh.vn/" target="_blank">Báo Hà Tĩnh</a></li></ul></div>\n'
            '<div class="khoi thong-ke"><div class="tieu-de-khoi">Thống kê truy cập</div>'
            f'<p>Đang truy cập: {12 + counter % 40}</p><p>Hôm nay: {thousands(today)}</p>'
            f'<p>Lượt truy cập: {thousands(1_234_567 + counter)}</p></div>\n'
            "</div>"
        )

    def _layout(self, title: str, main: str, counter: int, head: str = "") -> str:
        return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} - {esc(SITE_SHORT)}</title>
{head}<link rel="stylesheet" href="/static/css/site.css">
</head>
<body>
<div id="top" class="wrapper">
<div class="header">
<div class="header-top"><span class="clock">{today_clock()}</span>
<form class="search" action="/" method="get" onsubmit="return false"><input type="text" name="k" placeholder="Tìm kiếm..."></form></div>
<div class="banner"><img src="/static/images/banner.jpg" alt="{esc(SITE_NAME)}"><span class="site-name">{esc(SITE_NAME)}</span></div>
</div>
{self.menu_html}
<div class="main">
<div class="cot-trai">
{main}
</div>
{self._sidebar(counter)}
</div>
<div class="footer">
<p><strong>{esc(SITE_NAME)}</strong></p>
<p>Cơ quan chủ quản: Ủy ban nhân dân thị xã Hồng Lĩnh</p>
<p>Địa chỉ: Số 1 đường Nguyễn Ái Quốc, phường Nam Hồng, thị xã Hồng Lĩnh, tỉnh Hà Tĩnh</p>
<p>Điện thoại: 0239.3836.254 - Email: <a href="mailto:vanphong.honglinh@hatinh.gov.vn">vanphong.honglinh@hatinh.gov.vn</a></p>
<p>Giấy phép số 45/GP-TTĐT do Sở Thông tin và Truyền thông tỉnh Hà Tĩnh cấp ngày 03/11/2016</p>
<p>Chịu trách nhiệm chính: Chánh Văn phòng HĐND và UBND thị xã</p>
<p>Ghi rõ nguồn &quot;{esc(SITE_SHORT)}&quot; khi phát hành lại thông tin từ website này</p>
</div>
</div>
</body>
</html>
"""

    # -- pages

    def home(self) -> str:
        hot = "\n".join(
            f'<div class="tin-noi-bat"><a href="{s.path}"><img src="/uploads/anh/{s.id}.jpg" alt=""></a>'
            f'<h3><a href="{s.path}">{esc(s.title)}</a></h3><p>{esc(s.sapo)}</p></div>' for s in self.stories[:6])
        boxes = []
        for slug, name, *_ in NEWS:
            items = "".join(f'<li><a href="{s.path}">{esc(s.title)}</a></li>' for s in self.by_category[slug][:5])
            boxes.append(f'<div class="khoi-chuyen-muc"><h2><a href="{self.listing_path(slug)}">{esc(name)}</a></h2>'
                         f'<ul>{items}</ul><a class="xem-them" href="{self.listing_path(slug)}">Xem thêm</a></div>')
        main = (f'<div class="noi-bat"><h2 class="tieu-de-muc">Tin nổi bật</h2>\n{hot}\n</div>\n'
                + "\n".join(boxes))
        return self._layout("Trang chủ", main, 0)

    def listing(self, category: str, page: int) -> str:
        name = self.news_names[category]
        stories = self.by_category[category][(page - 1) * PER_PAGE:page * PER_PAGE]
        items = "\n".join(
            f'<div class="tin-item"><a href="{s.path}"><img src="/uploads/anh/{s.id}.jpg" alt=""></a>'
            f'<h3><a href="{s.path}">{esc(s.title)}</a></h3><span class="ngay">({s.short_date})</span>'
            f'<p>{esc(s.sapo)}</p></div>' for s in stories)
        main = (f'<div class="duong-dan"><a href="/">Trang chủ</a> › <a href="{self.listing_path(category)}">'
                f'{esc(name)}</a></div>\n<h2 class="ten-chuyen-muc">{esc(name)}</h2>\n'
                f'<div class="danh-sach-tin">\n{items}\n</div>\n{self._pager(category, page)}')
        title = name if page == 1 else f"{name} - Trang {page}"
        return self._layout(title, main, page + len(category))

    def _pager(self, category: str, page: int) -> str:
        pages = self.pages_of(category)
        if pages == 1:
            return ""
        link = lambda n, label=None: f'<a href="{self.listing_path(category, n)}">{label or n}</a>'  # noqa: E731
        parts = [link(page - 1, "Trang trước")] if page > 1 else []
        window = range(max(1, page - 2), min(pages, page + 2) + 1)
        if window[0] > 1:
            parts.append(link(1))
            if window[0] > 2:
                parts.append("<span>...</span>")
        parts += [f'<span class="active">{n}</span>' if n == page else link(n) for n in window]
        if window[-1] < pages:
            if window[-1] < pages - 1:
                parts.append("<span>...</span>")
            parts.append(link(pages))
        if page < pages:
            parts.append(link(page + 1, "Trang sau"))
        return '<div class="phan-trang">' + " ".join(parts) + "</div>"

    def article(self, story: Story, position: int) -> str:
        name = self.news_names[story.category]
        same = self.by_category[story.category]
        related = [s for s in same[position + 1:position + 1 + RELATED]]
        if len(related) < RELATED:
            related += [s for s in same[:RELATED + 1] if s is not story][:RELATED - len(related)]
        paragraphs = [f'<p style="text-align: justify;">{esc(story.paragraphs[0])}</p>']
        if story.caption:
            paragraphs.append(f'<p style="text-align: center;"><img src="/uploads/anh/{story.id}-1.jpg" alt="" '
                              f'width="600"></p>\n<p style="text-align: center;"><em>{esc(story.caption)}</em></p>')
        paragraphs += [f'<p style="text-align: justify;">{esc(p)}</p>' for p in story.paragraphs[1:]]
        paragraphs.append(f'<p style="text-align: right;"><strong>{esc(story.byline)}</strong></p>')
        rel = "".join(f'<li><a href="{s.path}">{esc(s.title)}</a> <span class="ngay">({s.short_date})</span></li>'
                      for s in related)
        main = f"""<div class="duong-dan"><a href="/">Trang chủ</a> › <a href="{self.listing_path(story.category)}">{esc(name)}</a></div>
<div class="chi-tiet-tin">
<h1 class="tieu-de-tin">{esc(story.title)}</h1>
<div class="thong-tin-tin"><span class="ngay-dang">Đăng lúc: {story.published:%H:%M %d/%m/%Y}</span> | <span class="luot-xem">Lượt xem: {thousands(story.views)}</span></div>
<div class="sapo-tin"><strong>{esc(story.sapo)}</strong></div>
<div class="noi-dung-tin">
{chr(10).join(paragraphs)}
</div>
<div class="cong-cu"><a href="javascript:window.print()">In bài viết</a> | <a href="#top">Về đầu trang</a></div>
<div class="tin-cung-chuyen-muc"><div class="tieu-de-khoi">Tin cùng chuyên mục</div><ul>{rel}</ul></div>
</div>"""
        head = f'<meta property="og:title" content="{esc(story.title)}">\n<meta name="description" content="{esc(story.sapo)}">\n'
        return self._layout(story.title, main, story.id, head)

    def other(self, page: OtherPage, index: int) -> str:
        rng = random.Random(f"{self.seed}:other:{page.path}")
        crumbs = " › ".join(['<a href="/">Trang chủ</a>', *(f'<a href="{p}">{esc(n)}</a>' for n, p in page.crumbs)])
        body = self._other_body(page, rng)
        main = f'<div class="duong-dan">{crumbs}</div>\n<div class="trang-tinh">\n<h1 class="tieu-de">{esc(page.title)}</h1>\n{body}\n</div>'
        return self._layout(page.title, main, 500 + index)

    def _other_body(self, page: OtherPage, rng: random.Random) -> str:
        if page.kind == "landing":
            return '<ul class="danh-muc">' + "".join(f'<li><a href="{p}">{esc(n)}</a></li>' for n, p in page.children) + "</ul>"
        if page.kind == "intro":
            return "\n".join(f"<p>{esc(' '.join(rng.sample(INTRO_SENTENCES, 3)))}</p>" for _ in range(rng.randint(2, 4)))
        if page.kind == "people":
            rows = "".join(f"<tr><td>{i + 1}</td><td>{esc(person(rng))}</td><td>{rng.choice(ROLES)}</td>"
                           f"<td>0239.38{rng.randint(10000, 99999)}</td></tr>" for i in range(rng.randint(4, 9)))
            return ('<table class="danh-sach-can-bo"><tr><th>TT</th><th>Họ và tên</th><th>Chức vụ</th>'
                    f"<th>Điện thoại</th></tr>{rows}</table>")
        if page.kind == "documents":
            rows = []
            for _ in range(rng.randint(5, 12)):
                y = rng.randint(2019, 2025)
                code, kind = rng.choice(DOCUMENT_KINDS)
                subject = rng.choice(DOCUMENT_SUBJECTS).format(y=y, y1=y + 1)
                rows.append(f"<tr><td>{rng.randint(1, 999)}/{code}</td><td>{rng.randint(1, 28):02d}/"
                            f"{rng.randint(1, 12):02d}/{y}</td><td>{kind} {esc(subject)}</td></tr>")
            return ('<table class="van-ban"><tr><th>Số/Ký hiệu</th><th>Ngày ban hành</th><th>Trích yếu</th></tr>'
                    + "".join(rows) + "</table>")
        if page.kind == "procedures":
            items = "".join(f"<li>{esc(p)}</li>" for p in rng.sample(PROCEDURES, rng.randint(4, 8)))
            return f'<p>Danh sách thủ tục hành chính thuộc {esc(page.title.lower())}:</p><ol class="thu-tuc">{items}</ol>'
        return "<p>Nội dung đang được cập nhật.</p>"

    def pages(self) -> Iterator[tuple[str, str, str]]:
        """Every page: (URL path, kind: home / listing / article / other, HTML)."""
        yield "/", "home", self.home()
        for slug, *_ in NEWS:
            for page in range(1, self.pages_of(slug) + 1):
                yield self.listing_path(slug, page), "listing", self.listing(slug, page)
        for i, page in enumerate(self.others):
            yield page.path, "other", self.other(page, i)
        for stories in self.by_category.values():
            for position, story in enumerate(stories):
                yield story.path, "article", self.article(story, position)

    def render(self, root: Path) -> dict[str, int]:
        """Write every page under `root` (``/`` as ``index.html``); counts by kind and bytes."""
        from static_site import write_page

        counts: dict[str, int] = {"bytes": 0}
        for path, kind, page in self.pages():
            counts["bytes"] += write_page(root, path, page)
            counts[kind] = counts.get(kind, 0) + 1
        return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    portal = MegaMenuPortal(args.articles, args.seed)
    counts = portal.render(args.out)
    print(f"{args.out}: {portal.menu_links} links in the mega-menu; " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
