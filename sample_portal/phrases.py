"""Vietnamese text pools that the sample corpus is generated from.

What lives where: this module is data only (places, officials, reporters' names and, per category,
topics with title / sapo / paragraph / caption templates); ``corpus.py`` draws from it with a
seeded random generator and fills the ``{slots}``. Every closing paragraph ends with ``./.`` as
Hà Tĩnh portal articles do, so an article without a byline still ends with an ordinary sentence.

A ``Voice`` bundles the pools one portal writes with; ``HONG_LINH`` (the SharePoint sample portal)
is built from the pools below, other portals' voices live beside their own phrases
(``commune_phrases.py``).

Slots available to templates (see ``corpus._slots``): place, Place, placename, year, school_year, d,
m (event day and month, not zero-padded), next_year, n, n2, n3, big, pct, pct2, pct3, official, period, season,
yield_, area, street, length, students, money_small, money_big, hour, roman, School.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Topic:
    """One kind of news story: how its titles, lead, paragraphs and photo captions read.

    ``titles``, ``sapos`` and ``openers`` are aligned: variant i of a story uses the i-th of each,
    so title, lead and first paragraph tell the same story; middles, closers and captions are
    shared by the variants.
    """

    name: str
    titles: tuple[str, ...]
    sapos: tuple[str, ...]
    openers: tuple[str, ...]
    middles: tuple[str, ...]
    closers: tuple[str, ...]
    captions: tuple[str, ...]


# (kind, name): the wards and the commune of thị xã Hồng Lĩnh.
PLACES: tuple[tuple[str, str], ...] = (
    ("phường", "Bắc Hồng"),
    ("phường", "Nam Hồng"),
    ("phường", "Đức Thuận"),
    ("phường", "Trung Lương"),
    ("phường", "Đậu Liêu"),
    ("xã", "Thuận Lộc"),
)

# Fictional officials (name, role): real portals name them, so the sample does too.
OFFICIALS: tuple[str, ...] = (
    "Nguyễn Hữu Thanh, Phó Bí thư Thường trực Thị ủy",
    "Trần Đình Hòa, Chủ tịch UBND thị xã",
    "Lê Thị Minh Hương, Phó Chủ tịch HĐND thị xã",
    "Phạm Văn Sơn, Phó Chủ tịch UBND thị xã",
    "Võ Quang Huy, Trưởng Ban Tuyên giáo Thị ủy",
    "Đặng Ngọc Tuấn, Chỉ huy trưởng Ban CHQS thị xã",
    "Hoàng Văn Lực, Trưởng Công an thị xã",
)

STREETS: tuple[str, ...] = ("Nguyễn Ái Quốc", "Quang Trung", "Bùi Cầm Hổ", "Lê Duẩn", "Trần Phú", "Nguyễn Du")
SCHOOL_LEVELS: tuple[str, ...] = ("Mầm non", "Tiểu học", "THCS")

# Reporters' short names (the usual trailing byline) and full names (the "Tác giả:" form).
REPORTERS: tuple[str, ...] = (
    "Thanh Trúc", "Hữu Bình", "Minh Đức", "Hoàng Long", "Lê Quang", "Phan Tuấn", "Trần Minh", "Thu Hà",
    "Quang Vinh", "Ngọc Anh", "Đức Thắng", "Hồng Nhung", "Văn Tiến", "Mai Lan", "Phương Thảo", "Bá Dũng",
    "Thùy Linh", "Hải Yến",
)
FULL_NAMES: tuple[str, ...] = (
    "Nguyễn Văn Hùng", "Trần Thị Thu Hà", "Lê Hữu Phước", "Phạm Thị Hồng Nhung", "Võ Văn Tiến",
)
# Units written after a name: "Lê Quang (TTTT)" and "Phan Tuấn - HND thị xã".
UNITS_IN_PARENS: tuple[str, ...] = ("TTTT", "TTVH-TT", "Phòng VH-TT")
UNITS_AFTER_DASH: tuple[str, ...] = ("HND thị xã", "Hội LHPN thị xã", "Thị đoàn Hồng Lĩnh", "Phòng GD-ĐT")

_MEETING = Topic(
    name="meeting",
    titles=(
        "{Place} sơ kết tình hình thực hiện nhiệm vụ {period}",
        "Hội nghị giao ban khối phường, xã {period}",
        "Thị xã Hồng Lĩnh đánh giá kết quả phát triển kinh tế - xã hội {period}",
    ),
    sapos=(
        "Sáng {d}/{m}, {place} tổ chức hội nghị đánh giá kết quả thực hiện nhiệm vụ {period} và triển khai"
        " nhiệm vụ trọng tâm thời gian tới.",
        "UBND thị xã yêu cầu các phường, xã tập trung tháo gỡ khó khăn, đẩy nhanh tiến độ các chỉ tiêu còn đạt"
        " thấp trong {period}.",
        "Kinh tế - xã hội của thị xã {period} tiếp tục có bước phát triển; quốc phòng, an ninh được giữ vững,"
        " đời sống Nhân dân từng bước được nâng lên.",
    ),
    openers=(
        "Sáng ngày {d}/{m}, {place} đã tổ chức hội nghị sơ kết đánh giá kết quả thực hiện nhiệm vụ {period},"
        " triển khai phương hướng, nhiệm vụ thời gian tới. Tham dự hội nghị có lãnh đạo Thường trực Thị ủy,"
        " HĐND, UBND thị xã cùng đại diện các phòng, ban, ngành, đoàn thể liên quan.",
        "Chiều ngày {d}/{m}, UBND thị xã Hồng Lĩnh tổ chức hội nghị giao ban với các phường, xã nhằm đánh giá"
        " tình hình thực hiện nhiệm vụ {period}. Đồng chí {official} chủ trì hội nghị.",
        "Sáng ngày {d}/{m}, UBND thị xã Hồng Lĩnh tổ chức hội nghị đánh giá kết quả thực hiện nhiệm vụ phát triển"
        " kinh tế - xã hội {period}, triển khai nhiệm vụ trọng tâm thời gian tới. Đồng chí {official} chủ trì"
        " hội nghị.",
    ),
    middles=(
        "Theo báo cáo, {period}, cấp ủy, chính quyền {place} đã tập trung lãnh đạo, chỉ đạo thực hiện đồng bộ"
        " các giải pháp phát triển kinh tế - xã hội. Tổng giá trị sản xuất ước đạt {big} tỷ đồng, tăng {pct}%"
        " so với cùng kỳ; thu ngân sách trên địa bàn đạt {pct2}% kế hoạch.",
        "Công tác cải cách hành chính tiếp tục được quan tâm, tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng"
        " và trước hạn đạt {pct3}%. Các hoạt động văn hóa, thể thao, giáo dục, y tế được duy trì; công tác an"
        " sinh xã hội được đảm bảo; quốc phòng, an ninh, trật tự an toàn xã hội được giữ vững.",
        "Bên cạnh những kết quả đạt được, hội nghị cũng thẳng thắn chỉ ra những tồn tại, hạn chế như: tiến độ"
        " giải phóng mặt bằng một số dự án còn chậm; công tác quản lý đất đai, trật tự xây dựng có lúc, có nơi"
        " chưa chặt chẽ; việc thu nợ đọng thuế còn gặp nhiều khó khăn.",
        "Tại hội nghị, các đại biểu đã tập trung thảo luận, phân tích làm rõ nguyên nhân của những hạn chế,"
        " đồng thời đề xuất nhiều giải pháp thiết thực nhằm thực hiện thắng lợi các chỉ tiêu đã đề ra.",
        "Phát biểu chỉ đạo, đồng chí {official} ghi nhận, biểu dương những kết quả mà {place} đạt được, đồng"
        " thời đề nghị địa phương tiếp tục bám sát chương trình công tác, tập trung tháo gỡ khó khăn, vướng"
        " mắc trong thực hiện các dự án trọng điểm.",
    ),
    closers=(
        "Dịp này, {place} đã khen thưởng {n} tập thể và {n2} cá nhân có thành tích xuất sắc trong thực hiện"
        " nhiệm vụ {period}./.",
        "Kết thúc hội nghị, các đại biểu thống nhất ban hành kế hoạch thực hiện nhiệm vụ thời gian tới, phấn"
        " đấu hoàn thành toàn diện các mục tiêu phát triển kinh tế - xã hội năm {year}./.",
    ),
    captions=("Quang cảnh hội nghị.", "Đồng chí {official} phát biểu chỉ đạo tại hội nghị."),
)

_COUNCIL = Topic(
    name="council",
    titles=(
        "HĐND {place} tổ chức kỳ họp thường lệ năm {year}",
        "Tiếp xúc cử tri trước kỳ họp thứ {n} HĐND thị xã khóa {roman}",
        "Kỳ họp thứ {n} HĐND thị xã khóa {roman} thông qua {n3} nghị quyết",
    ),
    sapos=(
        "Kỳ họp xem xét các báo cáo về tình hình kinh tế - xã hội, thu chi ngân sách và quyết định nhiều nội"
        " dung quan trọng của {place}.",
        "Cử tri {place} kiến nghị nhiều nội dung liên quan đến đất đai, hạ tầng giao thông nội thị và chế độ"
        " chính sách đối với người có công.",
        "Ngày {d}/{m}, HĐND thị xã Hồng Lĩnh khóa {roman} tổ chức kỳ họp thứ {n} để xem xét, quyết định nhiều"
        " nội dung quan trọng của địa phương.",
    ),
    openers=(
        "Ngày {d}/{m}, HĐND {place} tổ chức kỳ họp thường lệ nhằm đánh giá tình hình thực hiện nhiệm vụ phát"
        " triển kinh tế - xã hội, quốc phòng, an ninh và triển khai nhiệm vụ thời gian tới.",
        "Sáng ngày {d}/{m}, Tổ đại biểu HĐND thị xã đơn vị bầu cử số {n} đã tiếp xúc cử tri {place} trước kỳ"
        " họp thứ {n} HĐND thị xã khóa {roman}.",
        "Ngày {d}/{m}, HĐND thị xã Hồng Lĩnh khóa {roman} đã tổ chức kỳ họp thứ {n}. Dự kỳ họp có các đồng chí"
        " trong Thường trực Thị ủy, Thường trực HĐND, UBND, Ủy ban MTTQ thị xã cùng các vị đại biểu HĐND"
        " thị xã.",
    ),
    middles=(
        "Tại kỳ họp, các đại biểu đã nghe các báo cáo của Thường trực HĐND, UBND thị xã về tình hình thực"
        " hiện nhiệm vụ phát triển kinh tế - xã hội, quốc phòng, an ninh; báo cáo thẩm tra của các ban HĐND và"
        " thông báo của Ủy ban MTTQ thị xã về công tác tham gia xây dựng chính quyền.",
        "Tại buổi tiếp xúc, cử tri đã phản ánh, kiến nghị nhiều nội dung như: sớm hoàn thiện hồ sơ cấp giấy"
        " chứng nhận quyền sử dụng đất cho các hộ dân; đầu tư nâng cấp hệ thống thoát nước tại khu dân cư;"
        " quan tâm giải quyết chế độ chính sách cho người có công và đối tượng bảo trợ xã hội.",
        "Các kiến nghị của cử tri đã được lãnh đạo UBND thị xã và các phòng, ban chuyên môn tiếp thu, giải"
        " trình cụ thể; những nội dung thuộc thẩm quyền cấp trên được tổng hợp để gửi đến các cơ quan có thẩm"
        " quyền xem xét, giải quyết.",
        "Kỳ họp đã dành thời gian cho phiên chất vấn và trả lời chất vấn, tập trung vào các vấn đề cử tri quan"
        " tâm như công tác quản lý trật tự xây dựng, vệ sinh môi trường đô thị và tiến độ thực hiện các công"
        " trình trọng điểm.",
        "Với tinh thần trách nhiệm cao, các đại biểu đã thảo luận sôi nổi, đóng góp nhiều ý kiến tâm huyết vào"
        " các báo cáo, tờ trình và dự thảo nghị quyết trình tại kỳ họp.",
    ),
    closers=(
        "Kết thúc kỳ họp, HĐND thị xã đã biểu quyết thông qua {n3} nghị quyết quan trọng, tạo cơ sở để UBND"
        " thị xã tổ chức triển khai thực hiện trong thời gian tới./.",
        "Thay mặt Tổ đại biểu, đồng chí {official} tiếp thu các ý kiến của cử tri và cam kết sẽ phản ánh đầy đủ"
        " tại kỳ họp để các cơ quan chức năng xem xét, giải quyết theo thẩm quyền./.",
    ),
    captions=("Các đại biểu biểu quyết thông qua nghị quyết tại kỳ họp.",
              "Cử tri {place} phát biểu ý kiến tại buổi tiếp xúc."),
)

_REFORM = Topic(
    name="reform",
    titles=(
        "Nâng cao chất lượng hoạt động bộ phận một cửa tại {place}",
        "Thị xã Hồng Lĩnh đẩy mạnh cung cấp dịch vụ công trực tuyến năm {year}",
        "Hồng Lĩnh tập huấn kỹ năng ứng dụng công nghệ thông tin cho cán bộ, công chức",
    ),
    sapos=(
        "Công tác cải cách hành chính được {place} xác định là nhiệm vụ trọng tâm, góp phần tạo thuận lợi cho"
        " người dân và doanh nghiệp.",
        "Năm {year}, tỷ lệ hồ sơ được tiếp nhận và giải quyết qua dịch vụ công trực tuyến tại thị xã đạt"
        " {pct}%.",
        "Lớp tập huấn nhằm nâng cao kỹ năng ứng dụng công nghệ thông tin, phục vụ chuyển đổi số trong các cơ"
        " quan hành chính.",
    ),
    openers=(
        "Thời gian qua, {place} đã quan tâm đầu tư cơ sở vật chất, trang thiết bị cho bộ phận tiếp nhận và trả"
        " kết quả, bố trí cán bộ có năng lực, trách nhiệm làm việc tại bộ phận một cửa.",
        "Năm {year}, UBND thị xã Hồng Lĩnh tiếp tục đẩy mạnh cung cấp dịch vụ công trực tuyến toàn trình và một"
        " phần, gắn với số hóa hồ sơ, kết quả giải quyết thủ tục hành chính.",
        "Ngày {d}/{m}, UBND thị xã Hồng Lĩnh tổ chức lớp tập huấn về kỹ năng ứng dụng công nghệ thông tin và"
        " sử dụng hệ thống dịch vụ công trực tuyến cho {n2} cán bộ, công chức các phường, xã.",
    ),
    middles=(
        "Toàn bộ thủ tục hành chính thuộc thẩm quyền giải quyết đều được niêm yết công khai, đầy đủ tại trụ sở"
        " và trên cổng thông tin điện tử; người dân có thể tra cứu tình trạng hồ sơ qua mã số được cấp khi nộp"
        " hồ sơ.",
        "Trong {period}, bộ phận một cửa đã tiếp nhận {big} hồ sơ, trong đó giải quyết đúng và trước hạn"
        " {pct}%, không có hồ sơ quá hạn gây phiền hà cho người dân.",
        "Các học viên được hướng dẫn quy trình tiếp nhận, xử lý hồ sơ trên môi trường mạng, sử dụng chữ ký số,"
        " lưu trữ hồ sơ điện tử và bảo đảm an toàn thông tin trong hoạt động công vụ.",
        "Việc khảo sát mức độ hài lòng của người dân, tổ chức được thực hiện thường xuyên; các ý kiến phản ánh,"
        " kiến nghị được tiếp nhận và xử lý kịp thời.",
    ),
    closers=(
        "Thời gian tới, {place} tiếp tục rà soát, đơn giản hóa thủ tục hành chính, nâng cao tinh thần trách"
        " nhiệm của cán bộ, công chức, phấn đấu xây dựng nền hành chính phục vụ, chuyên nghiệp, hiện đại./.",
        "Qua lớp tập huấn, các học viên được nâng cao kỹ năng, nghiệp vụ, góp phần thực hiện hiệu quả chương"
        " trình chuyển đổi số và cải cách hành chính trên địa bàn thị xã./.",
    ),
    captions=("Người dân làm thủ tục tại bộ phận một cửa {place}.",),
)

_PARTY = Topic(
    name="party",
    titles=(
        "Đảng bộ {place} kết nạp {n} đảng viên mới",
        "Hội nghị học tập, quán triệt nghị quyết của Đảng năm {year}",
        "Thị ủy Hồng Lĩnh tổng kết công tác xây dựng Đảng năm {year}",
    ),
    sapos=(
        "Công tác phát triển đảng viên luôn được Đảng ủy {place} quan tâm, chú trọng cả về số lượng và chất"
        " lượng.",
        "Hội nghị nhằm giúp cán bộ, đảng viên nắm vững những nội dung cơ bản, cốt lõi của các nghị quyết, từ đó"
        " vận dụng vào thực tiễn công tác.",
        "Năm {year}, công tác xây dựng Đảng của Đảng bộ thị xã tiếp tục được tăng cường trên cả ba mặt chính"
        " trị, tư tưởng và tổ chức.",
    ),
    openers=(
        "Ngày {d}/{m}, Đảng ủy {place} tổ chức lễ kết nạp đảng viên mới cho {n} quần chúng ưu tú. Dự buổi lễ"
        " có đại diện lãnh đạo Ban Tổ chức Thị ủy.",
        "Sáng ngày {d}/{m}, Ban Thường vụ Thị ủy Hồng Lĩnh tổ chức hội nghị học tập, quán triệt và triển khai"
        " thực hiện các nghị quyết của Đảng cho cán bộ chủ chốt toàn thị xã.",
        "Ngày {d}/{m}, Ban Chấp hành Đảng bộ thị xã Hồng Lĩnh tổ chức hội nghị tổng kết công tác xây dựng Đảng"
        " năm {year}, triển khai nhiệm vụ năm {next_year}.",
    ),
    middles=(
        "Các quần chúng được kết nạp đều là những người có phẩm chất đạo đức tốt, tích cực trong công tác,"
        " được quần chúng tín nhiệm và đã qua quá trình rèn luyện, thử thách.",
        "Tại hội nghị, các đại biểu được nghe báo cáo viên truyền đạt những nội dung cơ bản của nghị quyết,"
        " gắn với tình hình thực tiễn của địa phương.",
        "Năm {year}, toàn Đảng bộ thị xã đã kết nạp {n2} đảng viên mới, đạt {pct}% chỉ tiêu; {pct2}% tổ chức"
        " cơ sở đảng được đánh giá hoàn thành tốt nhiệm vụ trở lên.",
        "Công tác kiểm tra, giám sát được triển khai chặt chẽ, đúng quy định; việc học tập và làm theo tư"
        " tưởng, đạo đức, phong cách Hồ Chí Minh được đẩy mạnh ở các chi bộ.",
    ),
    closers=(
        "Phát biểu tại buổi lễ, đồng chí {official} đề nghị các đảng viên mới không ngừng học tập, rèn luyện,"
        " giữ gìn phẩm chất, tư cách người đảng viên, xứng đáng với niềm tin của tổ chức Đảng và Nhân dân./.",
        "Sau hội nghị, các chi, đảng bộ trực thuộc sẽ xây dựng chương trình, kế hoạch cụ thể để đưa nghị quyết"
        " vào cuộc sống, góp phần thực hiện thắng lợi nhiệm vụ chính trị của địa phương./.",
    ),
    captions=("Các đảng viên mới tuyên thệ dưới cờ Đảng.",),
)

_AGRICULTURE = Topic(
    name="agriculture",
    titles=(
        "Nông dân {place} ra quân sản xuất {season} {year}",
        "{Place} chủ động phòng trừ sâu bệnh hại lúa {season}",
        "Năng suất lúa {season} {year} tại {place} ước đạt {yield_} tạ/ha",
    ),
    sapos=(
        "Tranh thủ thời tiết thuận lợi, nông dân {place} tập trung nhân lực, máy móc để gieo cấy, đảm bảo"
        " khung lịch thời vụ.",
        "Để bảo vệ lúa {season}, ngành nông nghiệp thị xã khuyến cáo nông dân thường xuyên thăm đồng, phát"
        " hiện sớm và phòng trừ kịp thời các đối tượng sâu bệnh.",
        "Lúa {season} năm nay sinh trưởng thuận lợi, ít sâu bệnh, nông dân {place} phấn khởi vì được mùa, được"
        " giá.",
    ),
    openers=(
        "Sáng ngày {d}/{m}, {place} tổ chức ra quân sản xuất {season} {year}. Theo kế hoạch, toàn địa phương"
        " gieo cấy {area} ha lúa, trong đó diện tích sử dụng giống chất lượng cao chiếm trên {pct}%.",
        "Những ngày này, trên các cánh đồng của {place}, bà con nông dân đang khẩn trương chăm sóc, bảo vệ lúa"
        " {season}. Theo đánh giá của cán bộ khuyến nông, lúa sinh trưởng, phát triển khá đồng đều.",
        "Những ngày này, nông dân {place} đang tập trung thu hoạch lúa {season} {year}. Theo ước tính, năng suất"
        " bình quân đạt {yield_} tạ/ha, cao hơn cùng kỳ năm trước.",
    ),
    middles=(
        "Để vụ sản xuất đạt kết quả cao, {place} đã chỉ đạo các hợp tác xã cung ứng giống, phân bón kịp thời,"
        " nạo vét kênh mương nội đồng, đảm bảo đủ nước tưới cho toàn bộ diện tích.",
        "Tuy nhiên, qua kiểm tra, trên đồng ruộng đã xuất hiện một số đối tượng gây hại như rầy nâu, sâu cuốn"
        " lá nhỏ, bệnh đạo ôn lá với mật độ rải rác; một số diện tích bị chuột gây hại cục bộ.",
        "Cơ cấu giống chủ yếu là các giống lúa ngắn ngày, năng suất, chất lượng cao; nhiều hộ dân đã mạnh dạn"
        " áp dụng cơ giới hóa từ khâu làm đất, gieo cấy đến thu hoạch, giảm đáng kể chi phí sản xuất.",
        "Năm {year}, thị xã tiếp tục hỗ trợ {pct2}% giá giống lúa chất lượng cao và kinh phí cho các hộ tham"
        " gia cánh đồng mẫu lớn với tổng diện tích trên {area} ha.",
    ),
    closers=(
        "Phòng Kinh tế thị xã khuyến cáo bà con nông dân tuân thủ nghiêm khung lịch thời vụ, bón phân cân đối,"
        " theo dõi chặt chẽ diễn biến thời tiết để chủ động các biện pháp phòng chống, bảo vệ sản xuất./.",
        "Phấn đấu năng suất lúa {season} năm nay đạt {yield_} tạ/ha trở lên, tổng sản lượng lương thực đạt kế"
        " hoạch đề ra, góp phần nâng cao thu nhập cho người dân./.",
    ),
    captions=("Nông dân {place} xuống đồng gieo cấy lúa {season}.",
              "Cán bộ khuyến nông hướng dẫn bà con phòng trừ sâu bệnh."),
)

_RURAL = Topic(
    name="rural",
    titles=(
        "Xây dựng khu dân cư kiểu mẫu tại {place}",
        "Xã Thuận Lộc nỗ lực xây dựng nông thôn mới kiểu mẫu năm {year}",
        "{Place} ra quân chỉnh trang đô thị, xây dựng đô thị văn minh",
    ),
    sapos=(
        "Phong trào xây dựng khu dân cư kiểu mẫu, vườn mẫu tại {place} nhận được sự đồng thuận, hưởng ứng"
        " tích cực của người dân.",
        "Sau khi đạt chuẩn, địa phương tiếp tục huy động các nguồn lực để nâng cao chất lượng các tiêu chí,"
        " hướng tới mục tiêu nông thôn mới kiểu mẫu.",
        "Hàng trăm cán bộ, đoàn viên, hội viên và Nhân dân {place} đã tham gia dọn vệ sinh, chỉnh trang các"
        " tuyến đường, khu dân cư.",
    ),
    openers=(
        "Năm {year}, {place} chọn {n} khu dân cư để xây dựng đạt chuẩn khu dân cư kiểu mẫu. Ngay từ đầu năm,"
        " địa phương đã thành lập ban chỉ đạo, xây dựng kế hoạch cụ thể và phân công cán bộ phụ trách từng"
        " tiêu chí.",
        "Sau khi về đích nông thôn mới nâng cao, xã Thuận Lộc tiếp tục huy động các nguồn lực, phấn đấu trở"
        " thành xã nông thôn mới kiểu mẫu đầu tiên của thị xã.",
        "Sáng ngày {d}/{m}, {place} ra quân tổng vệ sinh môi trường, chỉnh trang đô thị với sự tham gia của"
        " đông đảo cán bộ, đoàn viên, hội viên và Nhân dân.",
    ),
    middles=(
        "Nhờ làm tốt công tác tuyên truyền, vận động, người dân đã tự nguyện hiến hơn {big} m2 đất, tháo dỡ"
        " tường rào để mở rộng đường giao thông, xây dựng rãnh thoát nước và trồng hàng rào xanh.",
        "Tổng kinh phí huy động cho xây dựng nông thôn mới và đô thị văn minh trong năm đạt gần {n2} tỷ đồng,"
        " trong đó Nhân dân đóng góp trên {pct}%.",
        "Các tuyến đường ngõ xóm được bê tông hóa, lắp đặt điện chiếu sáng; nhiều vườn hộ được cải tạo, chỉnh"
        " trang, trồng các loại cây ăn quả có giá trị kinh tế cao.",
        "Công tác thu gom, xử lý rác thải được duy trì thường xuyên; các hộ gia đình thực hiện phân loại rác"
        " tại nguồn, góp phần giữ gìn môi trường xanh - sạch - đẹp.",
    ),
    closers=(
        "Thời gian tới, {place} tiếp tục phát huy vai trò chủ thể của người dân, huy động mọi nguồn lực để duy"
        " trì và nâng cao chất lượng các tiêu chí, xây dựng quê hương ngày càng giàu đẹp, văn minh./.",
        "Mục tiêu đến cuối năm {year}, địa phương có thêm {n} khu dân cư đạt chuẩn kiểu mẫu và {n2} vườn hộ đạt"
        " chuẩn vườn mẫu theo quy định./.",
    ),
    captions=("Một tuyến đường khu dân cư kiểu mẫu tại {place}.",),
)

_FINANCE = Topic(
    name="finance",
    titles=(
        "Thu ngân sách {period} đạt {pct}% dự toán",
        "Đẩy nhanh tiến độ giải ngân vốn đầu tư công năm {year}",
        "Doanh nghiệp trên địa bàn thị xã Hồng Lĩnh phục hồi sản xuất, kinh doanh",
    ),
    sapos=(
        "Tính đến ngày {d}/{m}, tổng thu ngân sách trên địa bàn thị xã đạt {big} tỷ đồng, bằng {pct}% dự toán"
        " tỉnh giao.",
        "Thị xã Hồng Lĩnh đang tập trung tháo gỡ khó khăn, đẩy nhanh tiến độ thực hiện và giải ngân các dự án"
        " đầu tư công.",
        "Nhờ các chính sách hỗ trợ kịp thời, nhiều doanh nghiệp trên địa bàn đã ổn định sản xuất, tạo việc làm"
        " cho hàng nghìn lao động.",
    ),
    openers=(
        "Theo báo cáo của Chi cục Thuế khu vực Hồng Lĩnh - Can Lộc, {period}, tổng thu ngân sách trên địa bàn"
        " thị xã ước đạt {big} tỷ đồng, bằng {pct}% dự toán và tăng {pct2}% so với cùng kỳ năm trước.",
        "Ngày {d}/{m}, UBND thị xã Hồng Lĩnh tổ chức hội nghị kiểm điểm tiến độ thực hiện và giải ngân vốn đầu"
        " tư công năm {year}.",
        "Sau thời gian chịu ảnh hưởng của dịch bệnh và biến động thị trường, nhiều doanh nghiệp trên địa bàn thị"
        " xã Hồng Lĩnh đã từng bước phục hồi, mở rộng sản xuất, kinh doanh. Hiện toàn thị xã có {big} doanh"
        " nghiệp đang hoạt động.",
    ),
    middles=(
        "Trong đó, thu từ khu vực công thương nghiệp ngoài quốc doanh đạt {pct3}% kế hoạch; thu tiền sử dụng"
        " đất tiếp tục là nguồn thu lớn, chiếm tỷ trọng trên {n2}% tổng thu.",
        "Nguyên nhân một số khoản thu đạt thấp là do thị trường bất động sản trầm lắng, một số doanh nghiệp gặp"
        " khó khăn trong sản xuất, kinh doanh, nợ đọng thuế còn lớn.",
        "Đến nay, tổng số vốn đã giải ngân đạt {pct}% kế hoạch; một số dự án có tỷ lệ giải ngân cao như tuyến"
        " đường {street}, trường học và trạm y tế các phường.",
        "Để hỗ trợ doanh nghiệp, thị xã đã tổ chức đối thoại, kịp thời tháo gỡ vướng mắc về mặt bằng sản xuất,"
        " thủ tục đầu tư và tiếp cận nguồn vốn tín dụng ưu đãi.",
    ),
    closers=(
        "Để hoàn thành nhiệm vụ thu ngân sách năm {year}, thị xã chỉ đạo các ngành chức năng tăng cường quản lý"
        " nguồn thu, chống thất thu, đôn đốc thu hồi nợ đọng thuế, đẩy nhanh tiến độ đấu giá quyền sử dụng"
        " đất./.",
        "UBND thị xã yêu cầu các chủ đầu tư khẩn trương hoàn thiện hồ sơ thanh toán, tập trung thi công các công"
        " trình, phấn đấu giải ngân 100% kế hoạch vốn được giao trước ngày 31/12./.",
    ),
    captions=("Quang cảnh hội nghị kiểm điểm tiến độ giải ngân vốn đầu tư công.",),
)

_WORKS = Topic(
    name="works",
    titles=(
        "Khởi công nâng cấp tuyến đường {street} đoạn qua {place}",
        "Đẩy nhanh tiến độ giải phóng mặt bằng các dự án trọng điểm tại {place}",
        "Hồng Lĩnh đưa vào sử dụng chợ {placename} sau {n} tháng thi công",
    ),
    sapos=(
        "Công trình có tổng mức đầu tư {n2} tỷ đồng, dự kiến hoàn thành sau {n} tháng thi công.",
        "Đến nay, công tác giải phóng mặt bằng các dự án trọng điểm trên địa bàn {place} đạt trên {pct}% kế"
        " hoạch.",
        "Sau khi hoàn thành, công trình góp phần chỉnh trang đô thị, tạo thuận lợi cho việc đi lại, giao"
        " thương của Nhân dân.",
    ),
    openers=(
        "Sáng ngày {d}/{m}, UBND thị xã Hồng Lĩnh tổ chức lễ khởi công dự án nâng cấp, mở rộng tuyến đường"
        " {street} đoạn qua {place}.",
        "Thời gian qua, công tác bồi thường, giải phóng mặt bằng các dự án trên địa bàn {place} được các cấp,"
        " ngành quan tâm chỉ đạo quyết liệt.",
        "Sáng ngày {d}/{m}, UBND thị xã Hồng Lĩnh tổ chức lễ khánh thành, đưa vào sử dụng chợ {placename} mới"
        " sau {n} tháng thi công.",
    ),
    middles=(
        "Theo thiết kế, tuyến đường có chiều dài {length} km, nền đường rộng {n2} m, mặt đường bê tông nhựa,"
        " hai bên có vỉa hè, hệ thống thoát nước dọc và điện chiếu sáng công cộng.",
        "Đến nay, đã có {big} hộ dân nhận tiền bồi thường và bàn giao mặt bằng cho đơn vị thi công, đạt {pct}%"
        " tổng diện tích cần giải phóng.",
        "Ban quản lý dự án đã yêu cầu nhà thầu bố trí đủ nhân lực, thiết bị, thi công đúng thiết kế, đảm bảo"
        " chất lượng, an toàn lao động và vệ sinh môi trường.",
        "Một số vướng mắc về nguồn gốc đất, đơn giá bồi thường đã được hội đồng bồi thường thị xã phối hợp với"
        " địa phương đối thoại, giải thích rõ cho người dân.",
    ),
    closers=(
        "Phát biểu tại buổi lễ, đồng chí {official} đề nghị các đơn vị liên quan tập trung thi công, phấn đấu"
        " hoàn thành công trình đúng tiến độ, sớm đưa vào sử dụng, phát huy hiệu quả đầu tư./.",
        "Thị xã phấn đấu hoàn thành công tác giải phóng mặt bằng các dự án trọng điểm trong quý tới, tạo điều"
        " kiện để nhà đầu tư triển khai thi công đúng kế hoạch./.",
    ),
    captions=("Các đại biểu thực hiện nghi thức khởi công công trình.",),
)

_EDUCATION = Topic(
    name="education",
    titles=(
        "{School} khai giảng năm học {school_year}",
        "Ngành giáo dục thị xã tổng kết năm học {school_year}",
        "Trao học bổng cho học sinh nghèo vượt khó {place}",
    ),
    sapos=(
        "Năm học {school_year}, toàn thị xã có {students} học sinh ở các cấp học; ngành giáo dục đặt mục tiêu tiếp"
        " tục nâng cao chất lượng giáo dục toàn diện.",
        "Năm học vừa qua, chất lượng giáo dục đại trà và mũi nhọn của thị xã tiếp tục được giữ vững, nhiều"
        " chỉ tiêu vượt kế hoạch đề ra.",
        "Những phần học bổng là nguồn động viên kịp thời giúp các em học sinh có hoàn cảnh khó khăn vững bước"
        " đến trường.",
    ),
    openers=(
        "Sáng ngày {d}/{m}, {School} long trọng tổ chức lễ khai giảng năm học {school_year}. Dự lễ có đại diện"
        " lãnh đạo thị xã, {place} cùng đông đảo phụ huynh và học sinh.",
        "Ngày {d}/{m}, Phòng Giáo dục và Đào tạo thị xã Hồng Lĩnh tổ chức hội nghị tổng kết năm học"
        " {school_year}, triển khai nhiệm vụ năm học mới.",
        "Chiều ngày {d}/{m}, Hội Khuyến học {place} phối hợp với các nhà hảo tâm tổ chức trao {n2} suất học"
        " bổng cho học sinh có hoàn cảnh khó khăn, vượt khó học giỏi.",
    ),
    middles=(
        "Năm học vừa qua, nhà trường có {n2} học sinh đạt giải trong các kỳ thi học sinh giỏi cấp tỉnh, tỷ lệ"
        " học sinh lên lớp đạt {pct}%, chất lượng giáo dục mũi nhọn được giữ vững.",
        "Đội ngũ giáo viên cơ bản đủ về số lượng, đạt chuẩn về trình độ đào tạo; cơ sở vật chất, trang thiết bị"
        " dạy học tiếp tục được đầu tư theo hướng chuẩn hóa, hiện đại hóa.",
        "Mỗi suất học bổng trị giá {money_small} đồng, kèm theo sách vở và đồ dùng học tập; kinh phí do các"
        " doanh nghiệp và con em xa quê đóng góp.",
        "Ngành giáo dục thị xã tiếp tục triển khai chương trình giáo dục phổ thông mới, đẩy mạnh chuyển đổi số"
        " trong dạy học và quản lý, chú trọng giáo dục kỹ năng sống cho học sinh.",
    ),
    closers=(
        "Thay mặt lãnh đạo thị xã, đồng chí {official} chúc thầy và trò nhà trường có một năm học mới với nhiều"
        " thành công, tiếp tục khẳng định là đơn vị dẫn đầu của ngành giáo dục thị xã./.",
        "Các em học sinh được nhận học bổng hứa sẽ cố gắng học tập tốt, rèn luyện tốt để không phụ lòng quan"
        " tâm của gia đình, nhà trường và xã hội./.",
    ),
    captions=("Các em học sinh trong ngày khai giảng năm học mới.",
              "Trao học bổng cho học sinh có hoàn cảnh khó khăn."),
)

_HEALTH = Topic(
    name="health",
    titles=(
        "{Place} tổ chức tiêm chủng mở rộng cho trẻ em",
        "Khám sàng lọc bệnh không lây nhiễm cho người cao tuổi tại {place}",
        "Chủ động phòng chống dịch bệnh mùa hè tại {place}",
    ),
    sapos=(
        "Đợt tiêm chủng nhằm chủ động phòng ngừa các bệnh truyền nhiễm nguy hiểm, bảo vệ sức khỏe cho trẻ em"
        " trên địa bàn.",
        "Hoạt động góp phần phát hiện sớm các bệnh lý thường gặp, giúp người cao tuổi chủ động chăm sóc sức"
        " khỏe.",
        "Ngành y tế khuyến cáo người dân chủ động các biện pháp phòng bệnh sốt xuất huyết, tay chân miệng trong"
        " mùa nắng nóng.",
    ),
    openers=(
        "Từ ngày {d}/{m}, Trạm Y tế {place} phối hợp với Trung tâm Y tế thị xã tổ chức đợt tiêm chủng mở rộng"
        " cho {big} trẻ em trong độ tuổi.",
        "Ngày {d}/{m}, Trung tâm Y tế thị xã Hồng Lĩnh phối hợp với Hội Người cao tuổi {place} tổ chức khám"
        " sàng lọc miễn phí cho {big} người cao tuổi.",
        "Trước diễn biến phức tạp của dịch sốt xuất huyết, tay chân miệng, Trung tâm Y tế thị xã đã chỉ đạo Trạm"
        " Y tế {place} chủ động triển khai các biện pháp phòng, chống dịch bệnh mùa hè.",
    ),
    middles=(
        "Trước khi tiêm, trẻ được khám sàng lọc, tư vấn đầy đủ; sau tiêm được theo dõi 30 phút tại điểm tiêm"
        " và phụ huynh được hướng dẫn tiếp tục theo dõi tại nhà.",
        "Các cụ được đo huyết áp, xét nghiệm đường máu, tư vấn chế độ dinh dưỡng, luyện tập phù hợp; những"
        " trường hợp có dấu hiệu bệnh lý được hướng dẫn đến cơ sở y tế để điều trị kịp thời.",
        "Ngành y tế thị xã đã tăng cường giám sát dịch tễ, phun hóa chất diệt muỗi tại các khu vực có nguy cơ"
        " cao, tổ chức chiến dịch diệt bọ gậy tại {n2} khu dân cư.",
        "Tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ các loại vắc xin trên địa bàn thị xã năm {year} đạt"
        " {pct}%, vượt chỉ tiêu kế hoạch đề ra.",
    ),
    closers=(
        "Trung tâm Y tế thị xã khuyến cáo người dân chủ động thực hiện các biện pháp phòng bệnh, giữ gìn vệ sinh"
        " cá nhân, vệ sinh môi trường và đến ngay cơ sở y tế khi có dấu hiệu bất thường về sức khỏe./.",
        "Đợt khám sàng lọc là hoạt động thiết thực hưởng ứng Tháng hành động vì người cao tuổi, thể hiện sự quan"
        " tâm của các cấp, ngành đối với sức khỏe người cao tuổi trên địa bàn thị xã./.",
    ),
    captions=("Nhân viên y tế tiêm vắc xin cho trẻ tại Trạm Y tế {place}.",),
)

_CULTURE = Topic(
    name="culture",
    titles=(
        "Sôi nổi hội thi văn nghệ quần chúng {place} năm {year}",
        "Giải bóng chuyền hơi nam nữ thị xã Hồng Lĩnh năm {year}",
        "{Place} ra mắt câu lạc bộ dân ca ví, giặm",
    ),
    sapos=(
        "Hội thi là dịp để các khu dân cư giao lưu, học hỏi, đồng thời góp phần đẩy mạnh phong trào văn hóa,"
        " văn nghệ ở cơ sở.",
        "Giải đấu thu hút {n2} đội bóng với hơn {big} vận động viên đến từ các phường, xã, cơ quan, đơn vị trên"
        " địa bàn.",
        "Câu lạc bộ góp phần bảo tồn, phát huy giá trị di sản văn hóa phi vật thể dân ca ví, giặm Nghệ Tĩnh.",
    ),
    openers=(
        "Tối ngày {d}/{m}, {place} tổ chức hội thi văn nghệ quần chúng năm {year} với sự tham gia của {n2} đội"
        " văn nghệ đến từ các khu dân cư.",
        "Sáng ngày {d}/{m}, tại sân vận động thị xã, Phòng Văn hóa và Thông tin phối hợp với Trung tâm Văn hóa -"
        " Truyền thông thị xã khai mạc giải bóng chuyền hơi nam nữ năm {year}.",
        "Sáng ngày {d}/{m}, tại Nhà văn hóa {place}, Câu lạc bộ dân ca ví, giặm {placename} chính thức ra mắt"
        " với {n2} hội viên tham gia sinh hoạt.",
    ),
    middles=(
        "Các tiết mục tham gia hội thi được dàn dựng công phu với nhiều thể loại như đơn ca, tốp ca, múa, hát"
        " dân ca ví, giặm Nghệ Tĩnh, tập trung ca ngợi Đảng, Bác Hồ và quê hương Hồng Lĩnh.",
        "Ban tổ chức đã trao {n} giải A, {n} giải B và nhiều giải khuyến khích cho các đội có tiết mục xuất"
        " sắc.",
        "Thời gian qua, phong trào văn hóa, văn nghệ, thể dục thể thao ở {place} phát triển mạnh, mỗi khu dân cư"
        " đều có ít nhất một đội văn nghệ và một câu lạc bộ thể thao hoạt động thường xuyên.",
        "Câu lạc bộ sẽ duy trì sinh hoạt định kỳ hằng tháng, góp phần bảo tồn và phát huy giá trị di sản văn"
        " hóa phi vật thể dân ca ví, giặm Nghệ Tĩnh.",
    ),
    closers=(
        "Hội thi đã góp phần làm phong phú đời sống tinh thần của Nhân dân, tạo không khí vui tươi, phấn khởi,"
        " cổ vũ các phong trào thi đua yêu nước trên địa bàn./.",
        "Qua đó nhằm tăng cường rèn luyện sức khỏe, xây dựng tinh thần đoàn kết, gắn bó giữa các cơ quan, đơn"
        " vị và địa phương trên địa bàn thị xã./.",
    ),
    captions=("Một tiết mục văn nghệ tại hội thi.",),
)

_SOCIAL = Topic(
    name="social",
    titles=(
        "Bàn giao {n} nhà đại đoàn kết cho hộ nghèo {place}",
        "Thăm, tặng quà gia đình chính sách tại {place}",
        "Hồng Lĩnh chi trả trợ cấp xã hội qua tài khoản cho {big} đối tượng",
    ),
    sapos=(
        "Những ngôi nhà mới là điểm tựa để các hộ gia đình yên tâm ổn định cuộc sống, vươn lên thoát nghèo bền"
        " vững.",
        "Hoạt động thể hiện truyền thống “Uống nước nhớ nguồn” và sự quan tâm của cấp ủy, chính quyền đối với"
        " người có công.",
        "Chi trả trợ cấp không dùng tiền mặt giúp người thụ hưởng nhận tiền nhanh chóng, an toàn, đúng quy định.",
    ),
    openers=(
        "Ngày {d}/{m}, Ủy ban MTTQ {place} tổ chức bàn giao {n} nhà đại đoàn kết cho các hộ nghèo, hộ có hoàn"
        " cảnh đặc biệt khó khăn về nhà ở.",
        "Ngày {d}/{m}, đoàn công tác của thị xã do đồng chí {official} làm trưởng đoàn đã đến thăm, tặng quà"
        " các gia đình chính sách tiêu biểu tại {place}.",
        "Từ tháng {m}/{year}, thị xã Hồng Lĩnh triển khai chi trả trợ cấp xã hội hằng tháng qua tài khoản ngân"
        " hàng cho {big} đối tượng bảo trợ xã hội trên địa bàn.",
    ),
    middles=(
        "Mỗi ngôi nhà có diện tích từ 45 đến 60 m2, tổng kinh phí xây dựng trên {money_big} đồng, trong đó Quỹ"
        " Vì người nghèo thị xã hỗ trợ 50 triệu đồng, phần còn lại do gia đình, dòng họ và cộng đồng chung tay"
        " đóng góp.",
        "Tại các gia đình, đoàn đã ân cần thăm hỏi tình hình sức khỏe, đời sống và bày tỏ lòng biết ơn sâu sắc"
        " đối với những hy sinh, cống hiến của các thương binh, gia đình liệt sĩ.",
        "Năm {year}, toàn thị xã đã chi trả trợ cấp thường xuyên cho {big} đối tượng bảo trợ xã hội, trong đó"
        " {pct}% được chi trả qua tài khoản ngân hàng.",
        "Việc chi trả không dùng tiền mặt giúp giảm thời gian đi lại, đảm bảo an toàn, minh bạch và đúng đối"
        " tượng thụ hưởng.",
    ),
    closers=(
        "Thời gian tới, {place} tiếp tục vận động các tổ chức, cá nhân chung tay hỗ trợ các hộ nghèo, phấn đấu"
        " đến cuối năm không còn hộ nghèo phải ở nhà tạm, nhà dột nát./.",
        "Các gia đình xúc động bày tỏ lòng biết ơn đến Đảng, Nhà nước và cấp ủy, chính quyền địa phương đã luôn"
        " quan tâm, động viên trong suốt thời gian qua./.",
    ),
    captions=("Trao quyết định bàn giao nhà đại đoàn kết cho hộ nghèo.",),
)

_MILITARY = Topic(
    name="military",
    titles=(
        "Hồng Lĩnh tổ chức lễ giao nhận quân năm {year}",
        "Diễn tập chiến đấu phòng thủ {place} năm {year}",
        "Ban CHQS {place} huấn luyện dân quân tự vệ năm {year}",
    ),
    sapos=(
        "Năm {year}, thị xã Hồng Lĩnh có {n2}0 thanh niên lên đường thực hiện nghĩa vụ quân sự và tham gia nghĩa"
        " vụ công an nhân dân, đạt 100% chỉ tiêu giao.",
        "Cuộc diễn tập nhằm nâng cao năng lực lãnh đạo, chỉ đạo, điều hành của cấp ủy, chính quyền và khả năng"
        " sẵn sàng chiến đấu của các lực lượng.",
        "Lực lượng dân quân tự vệ được huấn luyện theo đúng chương trình, sát với tình hình thực tế của địa"
        " phương.",
    ),
    openers=(
        "Sáng ngày {d}/{m}, Hội đồng nghĩa vụ quân sự thị xã Hồng Lĩnh long trọng tổ chức lễ giao nhận quân năm"
        " {year}. Dự buổi lễ có lãnh đạo Bộ CHQS tỉnh, Thường trực Thị ủy, HĐND, UBND thị xã cùng đông đảo"
        " Nhân dân.",
        "Từ ngày {d}/{m}, {place} tổ chức diễn tập chiến đấu phòng thủ năm {year} theo kế hoạch của Ban Chỉ huy"
        " Quân sự thị xã.",
        "Ngày {d}/{m}, Ban CHQS {place} tổ chức khai mạc huấn luyện dân quân tự vệ năm {year} cho {n2} cán bộ,"
        " chiến sĩ dân quân.",
    ),
    middles=(
        "Các tân binh đều có sức khỏe tốt, trình độ học vấn đáp ứng yêu cầu, trong đó có {n} đảng viên và nhiều"
        " thanh niên có trình độ cao đẳng, đại học.",
        "Cuộc diễn tập được chia thành 2 giai đoạn: chuyển trạng thái sẵn sàng chiến đấu và thực hành chiến đấu"
        " phòng thủ; lực lượng tham gia gồm dân quân, công an và các ban, ngành, đoàn thể của địa phương.",
        "Công tác huấn luyện được tổ chức chặt chẽ, đúng chương trình, bảo đảm an toàn tuyệt đối về người và vũ"
        " khí trang bị; kết quả kiểm tra có {pct}% nội dung đạt khá, giỏi.",
        "Trong không khí trang nghiêm, các tân binh hăng hái nhận nhiệm vụ, hứa sẽ ra sức rèn luyện, học tập,"
        " hoàn thành xuất sắc nhiệm vụ được giao, xứng đáng với truyền thống quê hương.",
    ),
    closers=(
        "Phát biểu tại buổi lễ, đồng chí {official} căn dặn các tân binh phát huy truyền thống cách mạng của quê"
        " hương, khắc phục khó khăn, nỗ lực phấn đấu trở thành những quân nhân ưu tú./.",
        "Kết thúc cuộc diễn tập, Ban chỉ đạo đánh giá {place} đã hoàn thành tốt các nội dung, đạt mục đích, yêu"
        " cầu đề ra, bảo đảm tuyệt đối an toàn./.",
    ),
    captions=("Tân binh thị xã Hồng Lĩnh trong ngày lên đường nhập ngũ.",),
)

_POLICE = Topic(
    name="police",
    titles=(
        "Công an thị xã ra quân tấn công, trấn áp tội phạm năm {year}",
        "Công an {place} tuyên truyền phòng, chống tội phạm ma túy",
        "Bắt giữ đối tượng tàng trữ trái phép chất ma túy tại {place}",
    ),
    sapos=(
        "Đợt cao điểm nhằm kiềm chế, làm giảm các loại tội phạm, giữ vững an ninh chính trị, trật tự an toàn xã"
        " hội trên địa bàn.",
        "Hơn {big} người dân đã được tuyên truyền về tác hại của ma túy và các thủ đoạn mới của tội phạm.",
        "Công an {place} vừa bắt quả tang một đối tượng có hành vi tàng trữ trái phép chất ma túy.",
    ),
    openers=(
        "Sáng ngày {d}/{m}, Công an thị xã Hồng Lĩnh tổ chức lễ ra quân tấn công, trấn áp tội phạm, đảm bảo an"
        " ninh trật tự đợt cao điểm năm {year}.",
        "Ngày {d}/{m}, Công an {place} phối hợp với Đoàn Thanh niên tổ chức buổi tuyên truyền phòng, chống tội"
        " phạm và tệ nạn ma túy cho đông đảo đoàn viên, thanh niên và Nhân dân trên địa bàn.",
        "Vào hồi {hour} giờ ngày {d}/{m}, tổ công tác Công an {place} phát hiện, bắt quả tang một đối tượng có"
        " hành vi tàng trữ trái phép chất ma túy.",
    ),
    middles=(
        "Trong {period}, Công an thị xã đã điều tra, khám phá {n2} vụ phạm pháp hình sự, đạt tỷ lệ {pct}%; bắt,"
        " xử lý {n} đối tượng truy nã; phát hiện, xử lý {n3} vụ vi phạm về ma túy.",
        "Tang vật thu giữ gồm một gói ni lông chứa chất bột màu trắng, nghi là ma túy tổng hợp, cùng một số đồ"
        " vật liên quan; vụ việc đang được cơ quan chức năng điều tra, làm rõ.",
        "Lực lượng công an đã phối hợp với các đoàn thể tổ chức các buổi tuyên truyền lưu động, phát tờ rơi đến"
        " từng khu dân cư, trường học, hướng dẫn người dân nhận biết và tố giác tội phạm.",
        "Phong trào toàn dân bảo vệ an ninh Tổ quốc tiếp tục được đẩy mạnh; nhiều mô hình tự quản về an ninh"
        " trật tự hoạt động hiệu quả như “Khu dân cư an toàn”, “Camera an ninh”.",
    ),
    closers=(
        "Công an thị xã đề nghị người dân nâng cao cảnh giác, tích cực tham gia phát hiện, tố giác tội phạm,"
        " cùng chung tay xây dựng địa bàn bình yên./.",
        "Đợt cao điểm sẽ kéo dài đến hết năm {year}, tập trung vào các địa bàn trọng điểm, phức tạp về an ninh"
        " trật tự./.",
    ),
    captions=("Lực lượng công an thị xã tại lễ ra quân.",),
)

_ORDER = Topic(
    name="order",
    titles=(
        "Ra quân đảm bảo trật tự an toàn giao thông dịp cuối năm {year}",
        "Tập huấn nghiệp vụ phòng cháy, chữa cháy cho lực lượng dân phòng {place}",
        "Cụm ATLC - SSCĐ phía Nam thị xã giao ban {period}",
    ),
    sapos=(
        "Lực lượng chức năng tăng cường tuần tra, kiểm soát, xử lý nghiêm các hành vi vi phạm trật tự an toàn"
        " giao thông.",
        "Lớp tập huấn giúp lực lượng dân phòng nâng cao kỹ năng xử lý các tình huống cháy, nổ ngay từ cơ sở.",
        "Cụm ATLC - SSCĐ phía Nam thị xã gồm phường Nam Hồng, Đậu Liêu và xã Thuận Lộc.",
    ),
    openers=(
        "Sáng ngày {d}/{m}, Ban An toàn giao thông thị xã phối hợp với Công an thị xã tổ chức lễ ra quân đảm"
        " bảo trật tự an toàn giao thông.",
        "Trong {n} ngày, Công an thị xã phối hợp với {place} tổ chức lớp tập huấn nghiệp vụ phòng cháy, chữa"
        " cháy và cứu nạn, cứu hộ cho {n2} thành viên đội dân phòng.",
        "Ngày {d}/{m}, Cụm ATLC - SSCĐ phía Nam thị xã tổ chức hội nghị giao ban đánh giá kết quả thực hiện"
        " nhiệm vụ {period}.",
    ),
    middles=(
        "Trong {period}, lực lượng chức năng đã phát hiện, lập biên bản xử lý {big} trường hợp vi phạm, tạm giữ"
        " {n2} phương tiện, nộp kho bạc nhà nước hàng trăm triệu đồng.",
        "Các học viên được trang bị kiến thức về pháp luật phòng cháy, chữa cháy, kỹ năng sử dụng các phương"
        " tiện chữa cháy thông dụng và thực hành xử lý tình huống cháy tại khu dân cư.",
        "Các địa phương trong cụm đã duy trì nghiêm chế độ trực sẵn sàng chiến đấu, phối hợp chặt chẽ trong công"
        " tác nắm tình hình, giải quyết kịp thời các vụ việc phức tạp nảy sinh ngay từ cơ sở.",
        "Tình hình trật tự an toàn giao thông trên địa bàn cơ bản ổn định; số vụ tai nạn giao thông giảm cả ba"
        " tiêu chí so với cùng kỳ năm trước.",
    ),
    closers=(
        "Thời gian tới, lực lượng chức năng tiếp tục tăng cường tuần tra, kiểm soát, tập trung xử lý các lỗi vi"
        " phạm là nguyên nhân trực tiếp gây tai nạn giao thông như vi phạm nồng độ cồn, chạy quá tốc độ./.",
        "Hội nghị thống nhất phương hướng, nhiệm vụ trọng tâm thời gian tới, trong đó chú trọng xây dựng lực"
        " lượng dân quân, công an cơ sở vững mạnh, giữ vững an ninh trật tự trên địa bàn./.",
    ),
    captions=("Lực lượng dân phòng thực hành chữa cháy tại buổi tập huấn.",),
)

# Topics per category slug (the category list itself lives in corpus.py).
TOPICS: dict[str, tuple[Topic, ...]] = {
    "Tin-tuc-su-kien": (_MEETING, _COUNCIL, _REFORM, _PARTY),
    "Kinh-te": (_AGRICULTURE, _RURAL, _FINANCE, _WORKS),
    "Van-hoa-xa-hoi": (_EDUCATION, _HEALTH, _CULTURE, _SOCIAL),
    "Quoc-phong-an-ninh": (_MILITARY, _POLICE, _ORDER),
}
TOPICS_BY_NAME: dict[str, Topic] = {t.name: t for topics in TOPICS.values() for t in topics}


def _check_alignment() -> None:
    """Titles, sapos and openers are aligned by variant (see Topic); fail loudly if edited badly."""
    for topic in TOPICS_BY_NAME.values():
        if not len(topic.titles) == len(topic.sapos) == len(topic.openers):
            raise AssertionError(f"topic {topic.name}: titles, sapos and openers must be aligned")


_check_alignment()


@dataclass(frozen=True)
class Voice:
    """The pools one sample portal's articles are written from: places, people, topics.

    ``topics`` maps the portal's category slugs to their topics; ``fixed_slots`` are template slots
    that are the same in every article of the portal (``commune``: "phường Nam Hồng Lĩnh").
    """

    places: tuple[tuple[str, str], ...]
    officials: tuple[str, ...]
    streets: tuple[str, ...]
    school_levels: tuple[str, ...]
    reporters: tuple[str, ...]
    full_names: tuple[str, ...]
    units_in_parens: tuple[str, ...]
    units_after_dash: tuple[str, ...]
    topics: dict[str, tuple[Topic, ...]]
    fixed_slots: dict[str, str] = field(default_factory=dict)

    def topic(self, name: str) -> Topic:
        """The topic called `name` in any of this voice's categories."""
        return next(t for topics in self.topics.values() for t in topics if t.name == name)


HONG_LINH = Voice(PLACES, OFFICIALS, STREETS, SCHOOL_LEVELS, REPORTERS, FULL_NAMES, UNITS_IN_PARENS,
                  UNITS_AFTER_DASH, TOPICS)
