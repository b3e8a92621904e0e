"""Where a subscriber lives, as coarse as an audience needs: a region of Kazakhstan, or a neighbouring
country. It decides the subscriber's clock for sends at local time; a region that is not chosen
means the platform's own time zone (settings.TIME_ZONE)."""

from django.utils.translation import gettext_lazy as _

# code: (name, IANA time zone). Kazakhstan has kept one time zone (UTC+5) since March 2024.
REGIONS = {
    "kz-ast": (_("Astana"), "Asia/Almaty"),
    "kz-ala": (_("Almaty (city)"), "Asia/Almaty"),
    "kz-shy": (_("Shymkent"), "Asia/Almaty"),
    "kz-aba": (_("Abai Region"), "Asia/Almaty"),
    "kz-akm": (_("Akmola Region"), "Asia/Almaty"),
    "kz-akt": (_("Aktobe Region"), "Asia/Aqtobe"),
    "kz-alm": (_("Almaty Region"), "Asia/Almaty"),
    "kz-aty": (_("Atyrau Region"), "Asia/Atyrau"),
    "kz-vos": (_("East Kazakhstan Region"), "Asia/Almaty"),
    "kz-zha": (_("Jambyl Region"), "Asia/Almaty"),
    "kz-jet": (_("Jetisu Region"), "Asia/Almaty"),
    "kz-zap": (_("West Kazakhstan Region"), "Asia/Oral"),
    "kz-kar": (_("Karaganda Region"), "Asia/Almaty"),
    "kz-kus": (_("Kostanay Region"), "Asia/Qostanay"),
    "kz-kzy": (_("Kyzylorda Region"), "Asia/Qyzylorda"),
    "kz-man": (_("Mangystau Region"), "Asia/Aqtau"),
    "kz-pav": (_("Pavlodar Region"), "Asia/Almaty"),
    "kz-sev": (_("North Kazakhstan Region"), "Asia/Almaty"),
    "kz-tur": (_("Turkistan Region"), "Asia/Almaty"),
    "kz-uly": (_("Ulytau Region"), "Asia/Almaty"),
    "kg": (_("Kyrgyzstan"), "Asia/Bishkek"),
    "uz": (_("Uzbekistan"), "Asia/Tashkent"),
    "tj": (_("Tajikistan"), "Asia/Dushanbe"),
    "af": (_("Afghanistan"), "Asia/Kabul"),
    "other": (_("Elsewhere"), ""),
}
REGION_CHOICES = [(code, name) for code, (name, _zone) in REGIONS.items()]


def region_time_zone(region: str, default: str) -> str:
    """The IANA time zone of `region`, or `default` for no region, an unknown one or "elsewhere"."""
    return REGIONS.get(region, ("", ""))[1] or default
