# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The stylesheet of the HTML report (inline; the page loads nothing)."""

STYLE = r"""
:root { --ok: #1a7f37; --bad: #cf222e; --held: #9a6700; --unknown: #6e7781; --line: #d0d7de; --bg: #f6f8fa;
  --accent: #0969da; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; }
* { box-sizing: border-box; }
body { margin: 0; }
header { padding: 16px 24px; border-bottom: 1px solid var(--line); background: var(--bg); }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: #57606a; }
main { padding: 16px 24px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 16px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; min-width: 140px; }
.card .n { font-size: 26px; font-weight: 600; display: block; }
.card.compliant .n { color: var(--ok); } .card.non_compliant .n { color: var(--bad); }
.card.held .n { color: var(--held); } .card.unknown .n { color: var(--unknown); }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 16px; }
.panel { border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; }
.panel h2 { font-size: 15px; margin: 0 0 8px; }
.bars .bar { display: grid; grid-template-columns: 110px 1fr 60px; align-items: center; gap: 8px; margin: 3px 0; }
.bars .track { background: var(--bg); height: 14px; border-radius: 3px; overflow: hidden; display: flex; }
.bars .fill { height: 100%; background: var(--accent); }
.fill.accepted, .cell.accepted { background: #aceebb; } .fill.rejected, .cell.rejected { background: #eaeef2; }
.fill.unknown, .cell.unknown { background: #fff1a8; }
.fill.legacy-accepted, .cell.legacy-accepted { background: var(--bad); color: #fff; }
.legend { font-size: 12px; color: #57606a; }
.legend span, .bars .legend span { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 10px;
  vertical-align: middle; }
ul.reasons { margin: 0; padding-left: 18px; }
.tabs { display: flex; gap: 4px; margin: 20px 0 0; border-bottom: 1px solid var(--line); }
.tabs button { border: 1px solid transparent; border-bottom: none; background: none; padding: 8px 14px;
  cursor: pointer; font: inherit; border-radius: 6px 6px 0 0; }
.tabs button[aria-selected="true"] { border-color: var(--line); background: #fff; font-weight: 600;
  margin-bottom: -1px; }
.tools { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 10px 0; }
.tools input[type=search] { width: 260px; padding: 5px 8px; }
.vt { border: 1px solid var(--line); border-radius: 6px; }
.vt-head, .vt-row { display: grid; align-items: center; }
.vt-head { background: var(--bg); border-bottom: 1px solid var(--line); font-weight: 600; }
.vt-head button { font: inherit; font-weight: 600; text-align: left; background: none; border: none;
  padding: 6px 8px; cursor: pointer; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.vt-head button[aria-sort="ascending"]::after { content: " \25B2"; }
.vt-head button[aria-sort="descending"]::after { content: " \25BC"; }
.vt-body { max-height: 62vh; overflow: auto; position: relative; }
.vt-spacer { width: 1px; }
.vt-rows { position: absolute; top: 0; left: 0; right: 0; }
.vt-row { height: 28px; border-bottom: 1px solid #eaeef2; cursor: pointer; }
.vt-row:hover, .vt-row:focus { background: #ddf4ff; outline: none; }
.vt-row > div { padding: 0 8px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.hosts .vt-head, .hosts .vt-row { grid-template-columns: 180px 120px 110px 230px 170px 110px 130px 110px 190px 1fr; }
.endpoints .vt-head, .endpoints .vt-row {
  grid-template-columns: 220px 150px 90px repeat(6, 64px) 110px 1fr; }
.cell { text-align: center; font-size: 12px; }
.badge { display: inline-block; padding: 0 6px; border-radius: 10px; font-size: 12px; color: #fff; }
.badge.compliant { background: var(--ok); } .badge.non_compliant { background: var(--bad); }
.badge.held { background: var(--held); } .badge.unknown { background: var(--unknown); }
.muted { color: #6e7781; }
.st-compliant { color: var(--ok); } .st-non_compliant { color: var(--bad); } .st-held { color: var(--held); }
.st-unknown { color: var(--unknown); }
dialog { width: min(960px, 94vw); max-height: 88vh; border: 1px solid var(--line); border-radius: 8px; padding: 0; }
dialog .dhead { display: flex; justify-content: space-between; align-items: center; padding: 10px 16px;
  border-bottom: 1px solid var(--line); background: var(--bg); position: sticky; top: 0; }
dialog .dbody { padding: 12px 16px; }
dialog h3 { font-size: 14px; margin: 14px 0 6px; }
table.small { border-collapse: collapse; font-size: 13px; }
table.small th, table.small td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; }
table.small td.cell { text-align: center; }
svg text { font-size: 11px; fill: #57606a; }
"""
