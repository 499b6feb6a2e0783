"""Chat handlers, one module per audience; ROUTERS below is the one list the core routes by."""

from __future__ import annotations

from bot.core.registry import Router, Routes
from bot.handlers import (
    admin,
    citizen,
    common,
    index,
    leader,
    link,
    officer,
    prefs,
    ranking,
    talk,
    trend,
)

# Every handler module's router. The order is the order of the help and of the menus.
ROUTERS: tuple[Router, ...] = (
    common.router,  # /start, /huongdan
    admin.router,  # /moi, /nhanvien, /thuhoi, files sent by admins
    citizen.router,  # /tracuu, /theodoi, /huytheodoi, /thutuc, /dangky
    index.router,  # /chiso
    leader.router,  # /quy1…/quy4, /thang, /nam, /thongke, /baocao, /quahan (leaders)
    link.router,  # /lienket
    officer.router,  # /quahan (officers), /sapden, /hosocuatoi
    prefs.router,  # /tatnhacnho, /batnhacnho, /caidat, ratings
    ranking.router,  # /xephang
    talk.router,  # free text, receipt photos, /lienhe
    trend.router,  # /xuhuong
)


def standard_routes() -> Routes:
    """The bot's routing table: every router above, in that order."""
    return Routes(ROUTERS)
