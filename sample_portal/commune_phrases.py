"""Vietnamese text pools of the post-2025 commune and ward sample portals (data only).

What lives where: the topics here are written for the two-level local government that started on
1 July 2025 (a ward or commune directly under the province: Đảng ủy, HĐND and UBND of the ward,
its public-service centre, its military command and police); ``NAM_HONG_LINH`` (the new Hà Tĩnh
platform sample, ``hatinh_new.py``) and ``MINH_DUC`` (the NukeViet sample, ``nukeviet.py``) are
the two voices that write with them. ``corpus.compose_article`` fills the ``{slots}``: besides the
slots listed in ``phrases.py`` these templates use the fixed slots ``commune`` ("phường Nam Hồng
Lĩnh"), ``Commune``, ``level`` ("phường" / "xã"), ``Level``, ``province`` and ``crop``.

People and places are fictional; every closing paragraph ends with ``./.`` as on real portals.
"""
from __future__ import annotations

from sample_portal.phrases import Topic, Voice

_TWO_LEVEL = Topic(
    name="two_level",
    titles=(
        "{Commune} đánh giá kết quả vận hành chính quyền địa phương hai cấp {period}",
        "Trung tâm Phục vụ hành chính công {commune} tiếp nhận {big} hồ sơ trong tháng {m}",
        "Lãnh đạo tỉnh làm việc với Đảng ủy {commune} về vận hành mô hình chính quyền mới",
    ),
    sapos=(
        "Bộ máy chính quyền {commune} vận hành thông suốt, phục vụ người dân và doanh nghiệp ngày"
        " càng tốt hơn.",
        "Phần lớn hồ sơ được giải quyết đúng và trước hạn, không để tồn đọng, gây phiền hà cho người dân.",
        "Đoàn công tác ghi nhận những kết quả bước đầu và chỉ ra một số khó khăn cần sớm tháo gỡ.",
    ),
    openers=(
        "Sáng ngày {d}/{m}, UBND {commune} tổ chức hội nghị đánh giá kết quả vận hành chính quyền địa"
        " phương hai cấp {period}. Đồng chí {official} chủ trì hội nghị.",
        "Trong tháng {m}/{year}, Trung tâm Phục vụ hành chính công {commune} đã tiếp nhận {big} hồ sơ thủ"
        " tục hành chính, trong đó {pct}% hồ sơ được nộp trực tuyến.",
        "Chiều ngày {d}/{m}, đoàn công tác của tỉnh đã làm việc với Ban Thường vụ Đảng ủy {commune} về"
        " tình hình vận hành mô hình chính quyền địa phương hai cấp.",
    ),
    middles=(
        "Sau khi sắp xếp, bộ máy của {commune} gồm Văn phòng HĐND và UBND, Phòng Kinh tế, Phòng Văn hóa -"
        " Xã hội và Trung tâm Phục vụ hành chính công; cán bộ, công chức được bố trí phù hợp với vị trí"
        " việc làm.",
        "Tỷ lệ hồ sơ giải quyết đúng và trước hạn đạt {pct3}%; không có hồ sơ quá hạn. Người dân đánh giá"
        " cao thái độ phục vụ của cán bộ, công chức tại bộ phận một cửa.",
        "Bên cạnh kết quả đạt được, việc vận hành còn một số khó khăn như hạ tầng công nghệ thông tin chưa"
        " đồng bộ, một số cán bộ mới tiếp nhận nhiệm vụ còn lúng túng trong xử lý hồ sơ đất đai.",
        "Các đại biểu đã tập trung thảo luận, đề xuất nhiều giải pháp nâng cao hiệu quả hoạt động của bộ"
        " máy, đẩy mạnh chuyển đổi số trong giải quyết thủ tục hành chính.",
    ),
    closers=(
        "Phát biểu kết luận, đồng chí {official} yêu cầu các bộ phận tiếp tục rà soát quy trình, bảo đảm"
        " bộ máy vận hành thông suốt, phục vụ Nhân dân ngày càng tốt hơn./.",
        "Thời gian tới, {commune} tiếp tục kiện toàn tổ chức bộ máy, nâng cao chất lượng đội ngũ cán bộ,"
        " công chức đáp ứng yêu cầu nhiệm vụ trong tình hình mới./.",
    ),
    captions=("Người dân làm thủ tục tại Trung tâm Phục vụ hành chính công {commune}.",),
)

_PARTY = Topic(
    name="party",
    titles=(
        "Đảng ủy {commune} học tập, quán triệt nghị quyết của cấp trên",
        "Chi bộ {place} tổ chức sinh hoạt chuyên đề {period}",
        "Trao Huy hiệu Đảng cho {n} đảng viên {commune}",
    ),
    sapos=(
        "Hội nghị nhằm giúp cán bộ, đảng viên nắm vững nội dung cơ bản của nghị quyết để triển khai thực"
        " hiện hiệu quả ở cơ sở.",
        "Buổi sinh hoạt tập trung vào những vấn đề thiết thực ở khu dân cư, được đảng viên thảo luận sôi nổi.",
        "Đây là phần thưởng cao quý ghi nhận sự cống hiến của các đảng viên đối với Đảng và quê hương.",
    ),
    openers=(
        "Sáng ngày {d}/{m}, Đảng ủy {commune} tổ chức hội nghị học tập, quán triệt nghị quyết của cấp trên"
        " cho hơn {big} cán bộ, đảng viên.",
        "Tối ngày {d}/{m}, Chi bộ {place} tổ chức sinh hoạt chuyên đề với chủ đề nâng cao vai trò tiền"
        " phong, gương mẫu của đảng viên ở khu dân cư.",
        "Ngày {d}/{m}, Đảng ủy {commune} tổ chức lễ trao Huy hiệu Đảng đợt {m}/{year} cho {n} đảng viên.",
    ),
    middles=(
        "Các đại biểu được nghe báo cáo viên truyền đạt những nội dung cơ bản, điểm mới của nghị quyết và"
        " liên hệ với thực tiễn của địa phương.",
        "Đảng bộ {commune} hiện có {n2} chi bộ trực thuộc với hơn {big} đảng viên; {period}, các chi bộ đã"
        " kết nạp {n} đảng viên mới.",
        "Nhiều ý kiến đề xuất tăng cường nắm bắt tâm tư, nguyện vọng của Nhân dân, giải quyết kịp thời"
        " những vấn đề bức xúc ngay từ cơ sở.",
        "Thay mặt các đảng viên được trao Huy hiệu, đảng viên cao tuổi bày tỏ niềm vinh dự, tự hào và hứa"
        " tiếp tục giữ gìn phẩm chất người đảng viên.",
    ),
    closers=(
        "Đảng ủy {commune} yêu cầu các chi bộ xây dựng kế hoạch cụ thể, đưa nghị quyết vào cuộc sống, gắn"
        " với thực hiện nhiệm vụ chính trị của địa phương./.",
        "Dịp này, Đảng ủy {commune} biểu dương các chi bộ có cách làm hay, sáng tạo trong công tác xây"
        " dựng Đảng ở khu dân cư./.",
    ),
    captions=("Đồng chí {official} phát biểu tại hội nghị.",),
)

_COUNCIL = Topic(
    name="council",
    titles=(
        "HĐND {commune} tổ chức kỳ họp thứ {n}",
        "Tiếp xúc cử tri trước kỳ họp HĐND {commune} tại {place}",
        "Thường trực HĐND {commune} giám sát công tác cải cách hành chính",
    ),
    sapos=(
        "Kỳ họp xem xét, thông qua nhiều nội dung quan trọng về phát triển kinh tế - xã hội của địa phương.",
        "Cử tri kiến nghị nhiều nội dung liên quan đến đất đai, hạ tầng giao thông và vệ sinh môi trường.",
        "Đoàn giám sát đánh giá cao kết quả giải quyết thủ tục hành chính trên địa bàn.",
    ),
    openers=(
        "Ngày {d}/{m}, HĐND {commune} tổ chức kỳ họp thứ {n} nhằm xem xét các báo cáo, tờ trình và quyết"
        " định các nội dung thuộc thẩm quyền.",
        "Ngày {d}/{m}, Tổ đại biểu HĐND {commune} tiếp xúc cử tri tại {place} trước kỳ họp thường lệ.",
        "Từ ngày {d}/{m}, Thường trực HĐND {commune} tổ chức giám sát công tác cải cách hành chính tại"
        " Trung tâm Phục vụ hành chính công.",
    ),
    middles=(
        "Kỳ họp đã biểu quyết thông qua {n} nghị quyết với tỷ lệ tán thành cao, trong đó có nghị quyết về"
        " kế hoạch đầu tư công và dự toán ngân sách của địa phương.",
        "Cử tri {place} phản ánh tình trạng một số tuyến đường nội đồng xuống cấp, đề nghị sớm đầu tư"
        " nâng cấp, sửa chữa.",
        "Lãnh đạo UBND {commune} đã tiếp thu, giải trình nhiều ý kiến ngay tại hội nghị; những nội dung vượt"
        " thẩm quyền được tổng hợp gửi cấp trên.",
        "Qua giám sát, tỷ lệ hồ sơ được số hóa đạt {pct}%; việc niêm yết công khai thủ tục hành chính được"
        " thực hiện đầy đủ, đúng quy định.",
    ),
    closers=(
        "Kỳ họp đã hoàn thành chương trình đề ra; các nghị quyết được thông qua là cơ sở quan trọng để"
        " {commune} thực hiện thắng lợi nhiệm vụ năm {year}./.",
        "Đoàn giám sát đề nghị UBND {commune} tiếp tục nâng cao chất lượng phục vụ, giải quyết dứt điểm các"
        " kiến nghị chính đáng của Nhân dân./.",
    ),
    captions=("Quang cảnh kỳ họp.",),
)

_AGRICULTURE = Topic(
    name="agriculture",
    titles=(
        "Nông dân {commune} thu hoạch {crop} {season}",
        "{Commune} ra quân làm thủy lợi nội đồng",
        "Hội Nông dân {commune} tập huấn kỹ thuật chăm sóc {crop}",
    ),
    sapos=(
        "Năng suất ước đạt {yield_} tạ/ha, cao hơn cùng kỳ năm trước, giá bán ổn định.",
        "Hàng trăm người dân ra quân nạo vét kênh mương, bảo đảm nước tưới cho sản xuất.",
        "Lớp tập huấn giúp hội viên nắm vững kỹ thuật, nâng cao năng suất và chất lượng sản phẩm.",
    ),
    openers=(
        "Những ngày này, nông dân {commune} đang tập trung thu hoạch {crop} {season} với diện tích {area}"
        " ha.",
        "Ngày {d}/{m}, {commune} tổ chức ra quân làm thủy lợi nội đồng với sự tham gia của hơn {big} người"
        " dân tại các khu dân cư.",
        "Ngày {d}/{m}, Hội Nông dân {commune} phối hợp với Trung tâm Dịch vụ nông nghiệp tổ chức lớp tập"
        " huấn kỹ thuật chăm sóc {crop} cho {n2} hội viên.",
    ),
    middles=(
        "Nhờ áp dụng giống mới và quy trình canh tác tiên tiến, năng suất ước đạt {yield_} tạ/ha; nhiều hộ"
        " có thu nhập khá sau khi trừ chi phí.",
        "Đợt ra quân đã nạo vét {length} km kênh mương, phát quang bờ vùng, bờ thửa, khơi thông dòng chảy"
        " phục vụ tưới tiêu.",
        "Các học viên được hướng dẫn cách bón phân cân đối, phòng trừ sâu bệnh và ghi chép nhật ký sản"
        " xuất theo hướng an toàn.",
        "Để hỗ trợ người dân, {commune} đã liên hệ các doanh nghiệp bao tiêu sản phẩm, giúp nông dân yên"
        " tâm sản xuất.",
    ),
    closers=(
        "Thời gian tới, {commune} tiếp tục khuyến khích nông dân ứng dụng khoa học kỹ thuật, xây dựng vùng"
        " sản xuất tập trung, nâng cao giá trị sản phẩm./.",
        "Hội Nông dân {commune} sẽ tiếp tục phối hợp tổ chức các lớp tập huấn, chuyển giao kỹ thuật cho hội"
        " viên trong thời gian tới./.",
    ),
    captions=("Nông dân {place} thu hoạch {crop}.",),
)

_RURAL = Topic(
    name="rural",
    titles=(
        "{Place} ra mắt mô hình khu dân cư kiểu mẫu",
        "Ra quân tổng vệ sinh môi trường {commune}",
        "Khởi công tuyến đường giao thông {place}",
    ),
    sapos=(
        "Mô hình góp phần xây dựng khu dân cư xanh, sạch, đẹp, văn minh.",
        "Hoạt động nhằm tạo cảnh quan môi trường sạch đẹp, phòng chống dịch bệnh trên địa bàn.",
        "Tuyến đường dài {length} km có tổng mức đầu tư {money_big} đồng từ ngân sách và Nhân dân đóng góp.",
    ),
    openers=(
        "Ngày {d}/{m}, {place} tổ chức lễ ra mắt mô hình khu dân cư kiểu mẫu với sự tham gia của đông"
        " đảo Nhân dân.",
        "Sáng ngày {d}/{m}, Ủy ban MTTQ {commune} phối hợp với các đoàn thể tổ chức ra quân tổng vệ sinh"
        " môi trường trên các tuyến đường chính.",
        "Sáng ngày {d}/{m}, UBND {commune} tổ chức khởi công xây dựng tuyến đường giao thông tại {place}.",
    ),
    middles=(
        "Để hoàn thành các tiêu chí, Nhân dân {place} đã hiến hơn {big} m2 đất, đóng góp hàng nghìn ngày"
        " công để mở rộng đường, xây dựng hàng rào xanh.",
        "Đợt ra quân đã thu gom hàng chục tấn rác thải, phát quang bụi rậm, khơi thông cống rãnh trên các"
        " tuyến đường {street}.",
        "Công trình được thiết kế với mặt đường bê tông rộng 5 m, có hệ thống thoát nước hai bên; dự kiến"
        " hoàn thành trong {n} tháng.",
        "Mô hình phân loại rác thải tại nguồn được duy trì ở {n2} khu dân cư, được người dân đồng tình,"
        " hưởng ứng.",
    ),
    closers=(
        "Ban tổ chức kêu gọi mỗi người dân nâng cao ý thức giữ gìn vệ sinh môi trường, chung tay xây dựng"
        " quê hương ngày càng sạch đẹp./.",
        "UBND {commune} yêu cầu đơn vị thi công bảo đảm chất lượng, tiến độ và an toàn lao động trong quá"
        " trình thi công./.",
    ),
    captions=("Người dân {place} dọn vệ sinh đường làng.",),
)

_FINANCE = Topic(
    name="finance",
    titles=(
        "{Commune} đẩy mạnh thu ngân sách {period}",
        "Hỗ trợ hộ kinh doanh {commune} chuyển sang kê khai thuế",
        "Thanh toán không dùng tiền mặt tại chợ {placename}",
    ),
    sapos=(
        "Tổng thu ngân sách trên địa bàn đạt {pct2}% dự toán, nhiều khoản thu đạt khá.",
        "Gần {big} hộ kinh doanh được hướng dẫn sử dụng hóa đơn điện tử và kê khai thuế trực tuyến.",
        "Hầu hết tiểu thương tại chợ đã có mã QR để nhận thanh toán.",
    ),
    openers=(
        "Trong {period}, tổng thu ngân sách trên địa bàn {commune} ước đạt {money_big} đồng, bằng {pct2}%"
        " dự toán.",
        "Ngày {d}/{m}, UBND {commune} phối hợp với cơ quan thuế tổ chức hội nghị hướng dẫn hộ kinh doanh"
        " chuyển đổi sang phương pháp kê khai thuế.",
        "Những ngày này, tại chợ {placename}, nhiều người dân đã quen với việc quét mã QR để thanh toán khi"
        " mua hàng.",
    ),
    middles=(
        "Để đạt kết quả trên, {commune} đã thành lập tổ công tác, rà soát từng nguồn thu, tập trung thu nợ"
        " đọng thuế và thu tiền sử dụng đất.",
        "Các hộ kinh doanh được cán bộ thuế hướng dẫn cài đặt phần mềm, lập hóa đơn điện tử và nộp thuế qua"
        " tài khoản ngân hàng.",
        "Theo thống kê, đã có {pct}% tiểu thương tại chợ sử dụng mã QR; giao dịch nhanh chóng, hạn chế"
        " tiền lẻ, tiền giả.",
        "Đoàn Thanh niên {commune} đã thành lập tổ tình nguyện hỗ trợ người dân mở tài khoản, cài đặt ứng"
        " dụng ngân hàng.",
    ),
    closers=(
        "Thời gian tới, {commune} tiếp tục triển khai đồng bộ các giải pháp, phấn đấu hoàn thành vượt dự"
        " toán thu ngân sách năm {year}./.",
        "Mô hình góp phần thúc đẩy chuyển đổi số, xây dựng thói quen thanh toán không dùng tiền mặt trong"
        " Nhân dân./.",
    ),
    captions=("Tiểu thương chợ {placename} nhận thanh toán qua mã QR.",),
)

_EDUCATION = Topic(
    name="education",
    titles=(
        "Các trường học {commune} sẵn sàng cho năm học mới {school_year}",
        "{School} tổ chức lễ khai giảng năm học mới",
        "Trao học bổng cho học sinh nghèo vượt khó {commune}",
    ),
    sapos=(
        "Cơ sở vật chất được sửa chữa, bổ sung, bảo đảm điều kiện tốt nhất cho năm học mới.",
        "Năm học này, nhà trường có {big} học sinh với {n2} lớp học.",
        "{n2} suất học bổng được trao cho các em học sinh có hoàn cảnh khó khăn, vươn lên học tốt.",
    ),
    openers=(
        "Những ngày này, các trường học trên địa bàn {commune} đang khẩn trương hoàn tất công tác chuẩn bị"
        " cho năm học mới {school_year}.",
        "Sáng ngày {d}/{m}, {School} long trọng tổ chức lễ khai giảng năm học mới.",
        "Ngày {d}/{m}, Hội Khuyến học {commune} tổ chức trao học bổng cho học sinh nghèo vượt khó.",
    ),
    middles=(
        "Các nhà trường đã tu sửa phòng học, bổ sung bàn ghế, thiết bị dạy học; vệ sinh khuôn viên, trồng"
        " thêm cây xanh tạo cảnh quan sư phạm.",
        "Năm học vừa qua, nhà trường có {n2} học sinh đạt giải trong các kỳ thi học sinh giỏi; tỷ lệ học"
        " sinh lên lớp đạt {pct3}%.",
        "Mỗi suất học bổng trị giá {money_small} đồng cùng nhiều phần quà là sách vở, đồ dùng học tập.",
        "Các tổ chức, cá nhân và con em xa quê đã ủng hộ quỹ khuyến học hơn {money_big} đồng.",
    ),
    closers=(
        "Ngành giáo dục {commune} phấn đấu thực hiện thắng lợi nhiệm vụ năm học, nâng cao chất lượng giáo"
        " dục toàn diện./.",
        "Buổi lễ là nguồn động viên để các em tiếp tục cố gắng, vươn lên trong học tập./.",
    ),
    captions=("Học sinh {School} trong ngày khai giảng.",),
)

_HEALTH = Topic(
    name="health",
    titles=(
        "Trạm Y tế {commune} tổ chức tiêm chủng cho trẻ em",
        "Khám sàng lọc bệnh không lây nhiễm cho người cao tuổi {place}",
        "{Commune} chủ động phòng, chống sốt xuất huyết",
    ),
    sapos=(
        "Hơn {big} trẻ em trong độ tuổi được tiêm vắc xin phòng bệnh đầy đủ, an toàn.",
        "Người cao tuổi được khám, tư vấn và cấp thuốc miễn phí.",
        "Ngành y tế tăng cường giám sát, xử lý triệt để ổ dịch, không để lây lan trong cộng đồng.",
    ),
    openers=(
        "Ngày {d}/{m}, Trạm Y tế {commune} tổ chức tiêm chủng vắc xin cho trẻ em trong độ tuổi trên địa"
        " bàn.",
        "Ngày {d}/{m}, Trạm Y tế {commune} phối hợp với Hội Người cao tuổi tổ chức khám sàng lọc bệnh không"
        " lây nhiễm cho {big} người cao tuổi tại {place}.",
        "Trước diễn biến phức tạp của dịch sốt xuất huyết, UBND {commune} đã chỉ đạo triển khai quyết liệt"
        " các biện pháp phòng, chống dịch.",
    ),
    middles=(
        "Buổi tiêm chủng được tổ chức theo đúng quy trình, trẻ được khám sàng lọc trước khi tiêm và theo"
        " dõi sau tiêm 30 phút.",
        "Qua khám, nhiều trường hợp được phát hiện mắc bệnh tăng huyết áp, đái tháo đường và được tư vấn"
        " điều trị kịp thời.",
        "Các tổ dân phố, khu dân cư đã ra quân diệt lăng quăng, bọ gậy, phát quang bụi rậm, xử lý vật dụng"
        " chứa nước đọng.",
        "Tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ các loại vắc xin năm {year} đạt {pct}%.",
    ),
    closers=(
        "Trạm Y tế {commune} khuyến cáo người dân chủ động phòng bệnh và đến ngay cơ sở y tế khi có dấu"
        " hiệu bất thường về sức khỏe./.",
        "Hoạt động thể hiện sự quan tâm của cấp ủy, chính quyền đối với sức khỏe của Nhân dân./.",
    ),
    captions=("Nhân viên y tế khám cho người cao tuổi.",),
)

_SOCIAL = Topic(
    name="social",
    titles=(
        "Bàn giao nhà đại đoàn kết cho hộ nghèo {place}",
        "{Commune} thăm, tặng quà gia đình chính sách",
        "Chi trả trợ cấp xã hội qua tài khoản cho {big} đối tượng ở {commune}",
    ),
    sapos=(
        "Ngôi nhà mới là điểm tựa để gia đình yên tâm ổn định cuộc sống, vươn lên thoát nghèo.",
        "Hoạt động thể hiện truyền thống “Uống nước nhớ nguồn” của quê hương.",
        "Người thụ hưởng nhận tiền nhanh chóng, an toàn, không phải đi lại.",
    ),
    openers=(
        "Ngày {d}/{m}, Ủy ban MTTQ {commune} tổ chức bàn giao nhà đại đoàn kết cho hộ nghèo tại {place}.",
        "Ngày {d}/{m}, lãnh đạo {commune} đã đến thăm, tặng quà các gia đình chính sách tiêu biểu trên địa"
        " bàn.",
        "Từ tháng {m}/{year}, {commune} chi trả trợ cấp xã hội hằng tháng qua tài khoản ngân hàng cho {big}"
        " đối tượng.",
    ),
    middles=(
        "Ngôi nhà có diện tích 60 m2, tổng kinh phí xây dựng {money_big} đồng, trong đó Quỹ Vì người nghèo"
        " hỗ trợ 60 triệu đồng, phần còn lại do gia đình, dòng họ đóng góp.",
        "Tại các gia đình, đoàn đã ân cần thăm hỏi sức khỏe, đời sống và bày tỏ lòng biết ơn đối với những"
        " hy sinh, cống hiến của các thương binh, gia đình liệt sĩ.",
        "Việc chi trả không dùng tiền mặt giúp giảm thời gian đi lại, bảo đảm an toàn, minh bạch và đúng"
        " đối tượng.",
        "Nhân dịp này, các doanh nghiệp trên địa bàn đã trao {n2} suất quà, mỗi suất trị giá {money_small}"
        " đồng.",
    ),
    closers=(
        "Thời gian tới, {commune} tiếp tục vận động các tổ chức, cá nhân chung tay hỗ trợ hộ nghèo, hộ có"
        " hoàn cảnh khó khăn về nhà ở./.",
        "Các gia đình xúc động bày tỏ lòng biết ơn đối với sự quan tâm của cấp ủy, chính quyền địa"
        " phương./.",
    ),
    captions=("Trao quà cho gia đình chính sách.",),
)

_MILITARY = Topic(
    name="military",
    titles=(
        "Ban CHQS {commune} huấn luyện dân quân năm {year}",
        "{Commune} tổ chức lễ giao nhận quân năm {year}",
        "Diễn tập phòng thủ dân sự {commune} năm {year}",
    ),
    sapos=(
        "Lực lượng dân quân được huấn luyện theo đúng chương trình, sát với tình hình thực tế.",
        "Các tân binh đều có sức khỏe tốt, trình độ học vấn đáp ứng yêu cầu.",
        "Cuộc diễn tập nâng cao khả năng phối hợp của các lực lượng trong ứng phó thiên tai, sự cố.",
    ),
    openers=(
        "Ngày {d}/{m}, Ban Chỉ huy Quân sự {commune} khai mạc huấn luyện dân quân năm {year} cho {n2} cán"
        " bộ, chiến sĩ.",
        "Sáng ngày {d}/{m}, Hội đồng nghĩa vụ quân sự {commune} tổ chức lễ giao nhận quân.",
        "Ngày {d}/{m}, {commune} tổ chức diễn tập phòng thủ dân sự với tình huống giả định mưa lớn gây ngập"
        " lụt tại {place}.",
    ),
    middles=(
        "Nội dung huấn luyện gồm chính trị, điều lệnh, kỹ thuật chiến đấu bộ binh và xử trí các tình huống"
        " bảo đảm an ninh trật tự ở cơ sở.",
        "Trong không khí trang nghiêm, các tân binh hăng hái nhận nhiệm vụ, hứa ra sức học tập, rèn luyện,"
        " xứng đáng với truyền thống quê hương.",
        "Các lực lượng đã phối hợp nhịp nhàng trong sơ tán người dân, cứu nạn, cứu hộ và bảo vệ tài sản"
        " của Nhân dân.",
        "Kết quả kiểm tra có {pct}% nội dung đạt khá, giỏi; bảo đảm tuyệt đối an toàn về người và vũ khí,"
        " trang bị.",
    ),
    closers=(
        "Đồng chí {official} đề nghị lực lượng dân quân tiếp tục nâng cao bản lĩnh chính trị, sẵn sàng nhận"
        " và hoàn thành tốt mọi nhiệm vụ./.",
        "Cuộc diễn tập đạt mục đích, yêu cầu đề ra, rút ra nhiều bài học kinh nghiệm cho công tác phòng"
        " thủ dân sự ở cơ sở./.",
    ),
    captions=("Dân quân {commune} luyện tập.",),
)

_POLICE = Topic(
    name="police",
    titles=(
        "Công an {commune} tuyên truyền phòng, chống lừa đảo trên không gian mạng",
        "Bắt giữ đối tượng trộm cắp tài sản tại {place}",
        "Công an {commune} hỗ trợ người dân làm thủ tục cư trú",
    ),
    sapos=(
        "Hơn {big} người dân được cung cấp kiến thức nhận diện các thủ đoạn lừa đảo mới.",
        "Đối tượng đã thừa nhận hành vi trộm cắp tài sản của người dân.",
        "Lực lượng công an tổ chức làm việc cả ngày nghỉ để phục vụ người dân.",
    ),
    openers=(
        "Tối ngày {d}/{m}, Công an {commune} tổ chức buổi tuyên truyền phòng, chống lừa đảo trên không gian"
        " mạng tại {place}.",
        "Vào hồi {hour} giờ ngày {d}/{m}, Công an {commune} đã bắt giữ một đối tượng có hành vi trộm cắp"
        " tài sản tại {place}.",
        "Từ ngày {d}/{m}, Công an {commune} ra quân hỗ trợ người dân làm thủ tục cư trú và kích hoạt tài"
        " khoản định danh điện tử.",
    ),
    middles=(
        "Cán bộ công an đã thông tin các thủ đoạn giả danh cơ quan nhà nước gọi điện yêu cầu chuyển tiền,"
        " cài đặt ứng dụng lạ để chiếm đoạt tài sản.",
        "Tang vật thu giữ gồm {n} điện thoại di động và một xe máy; vụ việc đang được điều tra, làm rõ.",
        "Trong {period}, Công an {commune} đã giải quyết {big} hồ sơ cư trú, kích hoạt {big} tài khoản định"
        " danh điện tử mức độ 2.",
        "Phong trào toàn dân bảo vệ an ninh Tổ quốc được đẩy mạnh; mô hình camera an ninh được nhân rộng ở"
        " {n2} khu dân cư.",
    ),
    closers=(
        "Công an {commune} khuyến cáo người dân nâng cao cảnh giác, kịp thời trình báo khi phát hiện dấu"
        " hiệu lừa đảo./.",
        "Công an {commune} đề nghị người dân tích cực tham gia phát hiện, tố giác tội phạm, cùng xây dựng"
        " địa bàn bình yên./.",
    ),
    captions=("Cán bộ công an tuyên truyền tại khu dân cư.",),
)

_ORDER = Topic(
    name="order",
    titles=(
        "Ra mắt tổ bảo vệ an ninh, trật tự ở cơ sở {place}",
        "Tập huấn phòng cháy, chữa cháy cho lực lượng {commune}",
        "{Commune} ra quân bảo đảm trật tự an toàn giao thông",
    ),
    sapos=(
        "Tổ bảo vệ an ninh, trật tự là lực lượng nòng cốt hỗ trợ công an giữ gìn bình yên ở khu dân cư.",
        "Lớp tập huấn giúp lực lượng tại chỗ xử lý hiệu quả các tình huống cháy, nổ ban đầu.",
        "Lực lượng chức năng tăng cường tuần tra, kiểm soát, xử lý nghiêm các hành vi vi phạm.",
    ),
    openers=(
        "Ngày {d}/{m}, {place} tổ chức ra mắt tổ bảo vệ an ninh, trật tự ở cơ sở gồm {n} thành viên.",
        "Ngày {d}/{m}, Công an {commune} tổ chức tập huấn nghiệp vụ phòng cháy, chữa cháy cho {n2} thành"
        " viên lực lượng tại chỗ.",
        "Sáng ngày {d}/{m}, {commune} tổ chức ra quân bảo đảm trật tự an toàn giao thông trên tuyến {street}.",
    ),
    middles=(
        "Các thành viên là những người có uy tín, kinh nghiệm, nhiệt tình với công tác bảo vệ an ninh,"
        " trật tự ở khu dân cư.",
        "Học viên được trang bị kiến thức pháp luật về phòng cháy, chữa cháy và thực hành sử dụng bình chữa"
        " cháy, cứu người bị nạn.",
        "Trong {period}, lực lượng chức năng đã lập biên bản xử lý {big} trường hợp vi phạm, tạm giữ {n2}"
        " phương tiện.",
        "Tình hình an ninh, trật tự trên địa bàn cơ bản ổn định, không để xảy ra vụ việc phức tạp.",
    ),
    closers=(
        "Đồng chí {official} đề nghị các thành viên phát huy vai trò, phối hợp chặt chẽ với công an giữ"
        " vững an ninh, trật tự ở cơ sở./.",
        "Lực lượng chức năng sẽ tiếp tục tuần tra, kiểm soát, xử lý nghiêm các lỗi vi phạm là nguyên nhân"
        " trực tiếp gây tai nạn giao thông./.",
    ),
    captions=("Thực hành chữa cháy tại buổi tập huấn.",),
)

GOVERNMENT = (_TWO_LEVEL, _PARTY, _COUNCIL)
ECONOMY = (_AGRICULTURE, _RURAL, _FINANCE)
SOCIETY = (_EDUCATION, _HEALTH, _SOCIAL)
SECURITY = (_MILITARY, _POLICE, _ORDER)


def _fixed(level: str, name: str, province: str, crop: str) -> dict[str, str]:
    commune = f"{level} {name}"
    return {"commune": commune, "Commune": commune[0].upper() + commune[1:], "level": level,
            "Level": level.capitalize(), "commune_name": name, "province": province, "crop": crop}


# Phường Nam Hồng Lĩnh (Hà Tĩnh), on the new Hà Tĩnh platform.
NAM_HONG_LINH = Voice(
    places=(("tổ dân phố", "Thuận Hòa"), ("tổ dân phố", "Đậu Liêu"), ("tổ dân phố", "Tân Hòa"),
            ("tổ dân phố", "Mai Lâm"), ("tổ dân phố", "Nam Hà"), ("tổ dân phố", "Thuận Hồng")),
    officials=("Nguyễn Văn An, Bí thư Đảng ủy phường", "Trần Thị Hải Yến, Chủ tịch UBND phường",
               "Lê Đức Thịnh, Chủ tịch HĐND phường", "Phạm Quốc Việt, Phó Chủ tịch UBND phường",
               "Đặng Văn Quý, Chỉ huy trưởng Ban CHQS phường", "Hoàng Minh Khang, Trưởng Công an phường"),
    streets=("Nguyễn Ái Quốc", "Quang Trung", "Bùi Cầm Hổ", "Trần Phú", "Lê Hữu Trác"),
    school_levels=("Mầm non", "Tiểu học", "THCS"),
    reporters=("Hồng Nhung", "Quang Vinh", "Ngọc Anh", "Đức Thắng", "Mai Lan", "Phương Thảo", "Bá Dũng",
               "Thùy Linh", "Anh Tuấn", "Khánh Ly"),
    full_names=("Nguyễn Thị Thanh Hà", "Trần Văn Long", "Lê Thị Quỳnh Trang", "Phan Đức Anh"),
    units_in_parens=("VH-TT phường", "Đoàn phường", "UBMTTQ phường"),
    units_after_dash=("Hội Nông dân phường", "Hội LHPN phường", "Văn phòng HĐND-UBND phường"),
    topics={"tin-tuc---su-kien": GOVERNMENT, "kinh-te": ECONOMY, "van-hoa---xa-hoi": SOCIETY,
            "quoc-phong---an-ninh": SECURITY},
    fixed_slots=_fixed("phường", "Nam Hồng Lĩnh", "Hà Tĩnh", "lúa"),
)

# Xã Minh Đức (Đồng Nai), on NukeViet.
MINH_DUC = Voice(
    places=(("ấp", "Tân Hưng"), ("ấp", "Hòa Vinh"), ("ấp", "Đồng Tân"), ("ấp", "Bàu Sen"),
            ("ấp", "Minh Hòa"), ("ấp", "Suối Đôi")),
    officials=("Võ Thanh Tùng, Bí thư Đảng ủy xã", "Nguyễn Thị Bích Thủy, Chủ tịch UBND xã",
               "Trịnh Văn Hậu, Chủ tịch HĐND xã", "Lâm Quốc Bảo, Phó Chủ tịch UBND xã",
               "Điểu Văn Tấn, Chỉ huy trưởng Ban CHQS xã", "Huỳnh Tấn Lộc, Trưởng Công an xã"),
    streets=("ĐT.757", "Quốc lộ 13", "ĐT.756", "Minh Đức - Đồng Nơ"),
    school_levels=("Mầm non", "Tiểu học", "THCS"),
    reporters=("Thanh Tùng", "Kim Oanh", "Văn Sang", "Ngọc Hân", "Minh Tâm", "Thúy Hằng", "Đức Huy",
               "Bảo Trâm", "Hữu Phước", "Lệ Thu"),
    full_names=("Nguyễn Văn Sang", "Trần Thị Kim Oanh", "Lê Minh Tâm", "Phạm Ngọc Hân"),
    units_in_parens=("UBND xã", "Hội ND xã"),
    units_after_dash=("Văn phòng Đảng ủy xã", "Hội Cựu chiến binh xã", "Đoàn xã"),
    topics={"tin-tuc-su-kien": (_TWO_LEVEL, _PARTY), "chinh-quyen": (_COUNCIL, _FINANCE),
            "kinh-te-xa-hoi": (_AGRICULTURE, _RURAL, _EDUCATION, _HEALTH, _SOCIAL),
            "quoc-phong-an-ninh": SECURITY},
    fixed_slots=_fixed("xã", "Minh Đức", "Đồng Nai", "điều"),
)
