"""Hand-kept name tables the resolver needs beyond the administrative data. Pure.

Only what the dataset cannot give: the slugs portals use for provinces besides their plain names,
the host labels of provincial departments and agencies, and national (ministry, government)
domains. Units themselves always come from `vnadmin.data`.
"""
from __future__ import annotations

# Province labels other than the folded name ("hatinh") and the typed name ("tinhhatinh", which the
# resolver derives): legacy province code -> extra labels seen in host names.
PROVINCE_ALIASES: dict[str, tuple[str, ...]] = {
    "79": ("tphcm", "hcm", "hcmc", "hochiminhcity", "hcmcity", "tphochiminh", "thanhphohochiminh"),
    "46": ("thuathienhue", "tthue", "tphue"),
    "77": ("brvt", "baria-vungtau"),
    "66": ("daclac", "daklac", "daclak"),
    "67": ("dacnong",),
    "62": ("kontum",),
    "01": ("tphanoi",),
    "48": ("tpdanang",),
    "31": ("tphaiphong",),
    "92": ("tpcantho",),
}

# Department / agency host labels of a province -> name. Variants of one department are listed
# together; the resolver also accepts any of them with a leading "so" (sở) when that is not listed.
_AGENCIES: list[tuple[str, tuple[str, ...]]] = [
    ("Sở Tư pháp", ("stp", "sotp", "sotuphap")),
    ("Sở Thông tin và Truyền thông", ("stttt", "sotttt", "tttt", "sothongtintruyenthong", "ict")),
    ("Sở Nội vụ", ("snv", "sonv", "sonoivu")),
    ("Sở Tài nguyên và Môi trường", ("stnmt", "sotnmt", "tnmt", "sotainguyen", "sotainguyenmoitruong", "tainguyen")),
    ("Sở Giao thông vận tải", ("sgtvt", "sogtvt", "gtvt", "sogiaothong", "sogiaothongvantai")),
    ("Sở Kế hoạch và Đầu tư", ("skhdt", "sokhdt", "khdt", "sokehoach", "sokehoachdautu", "dpi")),
    ("Sở Y tế", ("syt", "soyt", "soyte")),
    ("Sở Giáo dục và Đào tạo", ("sgddt", "sogddt", "gddt", "sgd", "sogd", "sogiaoduc", "sogiaoducdaotao")),
    ("Sở Tài chính", ("stc", "sotc", "sotaichinh")),
    ("Sở Công Thương", ("sct", "soct", "socongthuong", "congthuong")),
    ("Sở Xây dựng", ("sxd", "soxd", "soxaydung")),
    ("Sở Nông nghiệp và Phát triển nông thôn", ("snn", "snnptnt", "sonnptnt", "nnptnt", "sonongnghiep", "snnpt")),
    ("Sở Nông nghiệp và Môi trường", ("snnmt", "sonnmt", "sonongnghiepmoitruong")),
    ("Sở Văn hóa, Thể thao và Du lịch", ("svhttdl", "sovhttdl", "vhttdl", "svhtt", "sovhtt", "sovanhoa", "svh")),
    ("Sở Du lịch", ("sdl", "sodl", "sodulich", "dulich")),
    ("Sở Lao động - Thương binh và Xã hội", ("sldtbxh", "soldtbxh", "ldtbxh", "sld", "sold", "solaodong")),
    ("Sở Khoa học và Công nghệ", ("skhcn", "sokhcn", "khcn", "dost", "sokhoahoc")),
    ("Sở Ngoại vụ", ("sngv", "songv", "songoaivu", "sngoaivu", "ngoaivu")),
    ("Sở Dân tộc và Tôn giáo", ("sdttg", "sdtg", "sodtg", "sodttg", "sodantoc")),
    ("Ban Dân tộc", ("bdt", "bandantoc")),
    ("Thanh tra tỉnh", ("thanhtra", "thanhtratinh", "ttt", "thanhtratp")),
    ("Văn phòng UBND tỉnh", ("vpubnd", "vanphong", "vpub", "vpubndtinh", "vpubt")),
    ("Văn phòng Đoàn ĐBQH và HĐND", ("hdnd", "dbnd", "vpdbqh", "doandbqh", "dbqh", "vphdnd")),
    ("Tỉnh ủy / Thành ủy", ("tinhuy", "thanhuy")),
    ("Ủy ban MTTQ Việt Nam", ("mttq", "mattran", "ubmttq")),
    ("Liên đoàn Lao động", ("ldld", "congdoan", "ldldtinh", "liendoanlaodong")),
    ("Tỉnh đoàn / Thành đoàn", ("tinhdoan", "thanhdoan", "doanthanhnien")),
    ("Hội Nông dân", ("hnd", "hoinongdan")),
    ("Hội Liên hiệp Phụ nữ", ("hoiphunu", "hlhpn", "phunu", "hoilhpn")),
    ("Hội Cựu chiến binh", ("hoiccb", "ccb", "cuuchienbinh")),
    ("Ban Quản lý Khu kinh tế / Khu công nghiệp", ("bqlkkt", "kkt", "bqlkcn", "bqlkktcn", "banqlkkt", "bqlckcn")),
    ("Công an tỉnh", ("congan", "catinh")),
    ("Trung tâm Xúc tiến đầu tư", ("xtdt", "ttxt", "ttxtdt", "ipa", "ipc", "xuctiendautu")),
    ("Bộ Chỉ huy Quân sự tỉnh", ("bchqs",)),
    ("Trung tâm Kiểm soát bệnh tật", ("cdc",)),
]
AGENCIES: dict[str, str] = {label: name for name, labels in _AGENCIES for label in labels}

# Province-wide systems (not a unit, not a department): reported as the province's own agency.
SERVICES: dict[str, str] = {label: "Hệ thống dùng chung của tỉnh" for label in (
    "dichvucong", "dvc", "motcua", "congdichvucong", "vbpl", "qlvb", "vbdh", "egov", "mail",
    "email", "hoidap", "cchc", "ioc", "smartcity", "opendata", "data", "gis", "congbao", "tiepcongdan",
    "hotro", "sso", "thongke", "baocao", "csdl", "hscv", "iso", "tthc", "pakn", "hcc", "trungtamhcc",
    "dhtn", "qlvbdh", "lichcongtac", "vnpt", "kiosk", "thuvien",
)}

# Labels that only name a variant of the site they precede ("english.hatinh.gov.vn"): ignored.
TRANSPARENT = frozenset((
    "www", "www1", "www2", "english", "en", "eng", "m", "mobile", "wap", "portal", "congthongtin", "cong",
    "vn", "vi", "old", "cu", "new", "moi", "beta", "web", "home", "v2", "cttdt", "ttdt", "ubnd",
))

# National bodies under .gov.vn (the label before gov.vn).
NATIONAL_GOV_LABELS: dict[str, str] = {
    "moh": "Bộ Y tế", "mic": "Bộ Thông tin và Truyền thông", "moit": "Bộ Công Thương", "mof": "Bộ Tài chính",
    "mpi": "Bộ Kế hoạch và Đầu tư", "moj": "Bộ Tư pháp", "moet": "Bộ Giáo dục và Đào tạo",
    "mard": "Bộ Nông nghiệp và PTNT", "mae": "Bộ Nông nghiệp và Môi trường", "monre": "Bộ Tài nguyên và Môi trường",
    "mt": "Bộ Giao thông vận tải", "mot": "Bộ Giao thông vận tải", "moc": "Bộ Xây dựng",
    "molisa": "Bộ Lao động - Thương binh và Xã hội", "most": "Bộ Khoa học và Công nghệ",
    "bvhttdl": "Bộ Văn hóa, Thể thao và Du lịch", "mofa": "Bộ Ngoại giao", "moha": "Bộ Nội vụ",
    "mod": "Bộ Quốc phòng", "mps": "Bộ Công an", "bocongan": "Bộ Công an", "sbv": "Ngân hàng Nhà nước",
    "thanhtra": "Thanh tra Chính phủ", "ubdt": "Ủy ban Dân tộc", "cema": "Ủy ban Dân tộc",
    "gso": "Tổng cục Thống kê", "nso": "Cục Thống kê", "customs": "Tổng cục Hải quan", "gdt": "Tổng cục Thuế",
    "vss": "Bảo hiểm xã hội Việt Nam", "baohiemxahoi": "Bảo hiểm xã hội Việt Nam", "toaan": "Tòa án nhân dân",
    "vksndtc": "Viện kiểm sát nhân dân tối cao", "kiemtoannn": "Kiểm toán Nhà nước", "sav": "Kiểm toán Nhà nước",
    "vietnam": "Cổng thông tin điện tử Chính phủ", "dichvucong": "Cổng Dịch vụ công quốc gia",
    "vpcp": "Văn phòng Chính phủ", "quochoi": "Quốc hội",
    "dangcongsan": "Đảng Cộng sản Việt Nam", "vnsc": "Trung tâm Vệ tinh quốc gia",
    "dms": "Tổng cục Quản lý thị trường", "vnmha": "Tổng cục Khí tượng Thủy văn", "dav": "Cục Quản lý Dược",
    "ssc": "Ủy ban Chứng khoán Nhà nước", "mattran": "Ủy ban Trung ương MTTQ Việt Nam",
}

# National domains outside .gov.vn (the host or any parent domain).
NATIONAL_DOMAINS: dict[str, str] = {
    "chinhphu.vn": "Cổng thông tin điện tử Chính phủ", "baochinhphu.vn": "Báo điện tử Chính phủ",
    "quochoi.vn": "Quốc hội", "dangcongsan.vn": "Đảng Cộng sản Việt Nam",
    "vbpl.vn": "Cơ sở dữ liệu quốc gia về văn bản pháp luật",
    "dichvucong.gov.vn": "Cổng Dịch vụ công quốc gia", "mattran.org.vn": "Ủy ban Trung ương MTTQ Việt Nam",
    "tapchicongsan.org.vn": "Tạp chí Cộng sản", "nhandan.vn": "Báo Nhân Dân", "vtv.vn": "Đài Truyền hình Việt Nam",
    "vov.vn": "Đài Tiếng nói Việt Nam", "congbao.chinhphu.vn": "Công báo",
}

# Words (folded) of a portal title naming a provincial department or agency.
TITLE_AGENCY_PREFIXES: tuple[str, ...] = (
    "so tu phap", "so thong tin", "so noi vu", "so tai nguyen", "so giao thong", "so ke hoach", "so y te",
    "so giao duc", "so tai chinh", "so cong thuong", "so xay dung", "so nong nghiep", "so van hoa", "so du lich",
    "so lao dong", "so khoa hoc", "so ngoai vu", "so dan toc", "ban dan toc", "thanh tra tinh", "thanh tra thanh pho",
    "van phong ubnd", "van phong uy ban", "lien doan lao dong", "tinh doan", "thanh doan", "hoi nong dan",
    "hoi lien hiep phu nu", "hoi cuu chien binh", "ban quan ly khu", "cong an tinh", "trung tam xuc tien",
    "tinh uy", "thanh uy", "uy ban mat tran",
)
