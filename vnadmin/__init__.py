"""Vietnam's administrative units before and after the 1 July 2025 reorganisation, and which unit a
portal belongs to. Pure: no Scrapy, no network, no archive.

    from vnadmin import locate, resolve_name, describe
    locate("honglinh.hatinh.gov.vn").to_dict()
    resolve_name("Thị xã Hồng Lĩnh", province="Hà Tĩnh").uid   # "legacy:437"

Data: `vnadmin.data` (units of both eras and the crosswalk, from the pinned vietnamadminunits
package); resolver: `vnadmin.resolve`.
"""
from vnadmin.data import (
                          COMMUNE,
                          DISTRICT,
                          LEGACY,
                          NEW,
                          PROVINCE,
                          SOURCE,
                          AdminDataError,
                          Dataset,
                          Unit,
                          admin_unit_rows,
                          crosswalk_rows,
                          data_version,
                          load,
)
from vnadmin.resolve import (
                          LEVELS,
                          NATIONAL,
                          PROVINCE_AGENCY,
                          UNKNOWN,
                          AdminNameError,
                          EraView,
                          Location,
                          band,
                          describe,
                          locate,
                          normalize_host,
                          resolve_name,
)

__all__ = [
    "COMMUNE", "DISTRICT", "LEGACY", "LEVELS", "NATIONAL", "NEW", "PROVINCE", "PROVINCE_AGENCY", "SOURCE", "UNKNOWN",
    "AdminDataError", "AdminNameError", "Dataset", "EraView", "Location", "Unit", "admin_unit_rows", "band",
    "crosswalk_rows", "data_version", "describe", "load", "locate", "normalize_host", "resolve_name",
]
