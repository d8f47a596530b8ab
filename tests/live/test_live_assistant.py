"""The real Rasa and action servers, over HTTP, as the gateway and citizens use them."""

from __future__ import annotations

import socket
import sqlite3
import uuid
from importlib.metadata import distributions
from pathlib import Path

import psutil
import pytest

from kb.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow

# One everyday message per service family, and the service it must be answered with.
CITIZEN_QUESTIONS = [
    ("在宿州能办上海那边的证明吗", "cross_province"),
    ("在南京住院出院能直接刷医保吗", "settle_inpatient"),
    ("在上海看普通门诊能刷医保卡吗", "settle_outpatient"),
    ("俺有糖尿病在杭州拿药能直接结算吗", "settle_chronic"),
    ("在外地看病垫的钱回来咋报销", "manual_reimbursement"),
    ("第一次办社保卡咋办", "sscard_apply"),
    ("社保卡快过期了咋换", "sscard_renew"),
    ("社宝卡丢了", "sscard_loss"),
    ("新社保卡咋激活", "sscard_activate"),
    ("社保卡密码输错锁了", "sscard_locked"),
    ("电子社保卡咋领", "e_sscard"),
    ("长三角一卡通是干啥的", "onecard"),
    ("社保卡能坐上海地铁吗", "onecard_transport"),
    ("社保卡能进景区吗", "onecard_culture_tourism"),
    ("老人坐公交免费吗", "elderly_benefits"),
    ("能让上海专家远程看病吗", "telemedicine"),
    ("想给老人找个养老院", "elderly_care"),
    ("买到假货了找谁投诉", "consumer_complaint"),
    ("出国带多少现金要申报", "customs"),
    ("来宿州工作有啥人才政策", "talent"),
    ("宿州跟长三角有啥教育合作", "education"),
]

BAD_INPUTS = [
    "", " ", "   \n\t  ", "\u3000\u3000", "a" * 10_000, "社保卡" * 4000, "😀", "😀😀😀🙏🙏", "🏥💳❓",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<b>社保卡</b>丢了", "javascript:alert(1)",
    "'; DROP TABLE service; --", "1' OR '1'='1", "\" OR 1=1 --", "SELECT * FROM bureau", "${jndi:ldap://x/a}",
    "{{7*7}}", "%s%s%s%n", "../../../../etc/passwd", "\x00\x01\x02\x03", "\x1b[31m红色\x1b[0m",
    "\ufffd\ufffd\ufffd", "\u202e反向文字", "\u200b\u200b\u200b", "ÿþ\x00社\x00保", "0x41414141 0xdeadbeef",
    "\\x89PNG\\r\\n", "AAAA" * 300, "34012319900101123X", "我的身份证号34012319900101123X帮查下社保",
    "13812345678", "电话 138-1234-5678 打给我", "6222021234567890123", "/restart", "/session_start",
    '/inform{"medical_stay":"长期居住","x":1}', "/choose_service{broken json", '/choose_service{"service_key":1}',
    "/ask_materials", "/nlu_fallback", "///", "？？？？", "。。。", "哈哈哈哈哈哈", "asdfghjkl", "null",
    "undefined", "\n".join(["社保卡"] * 200),
]  # fmt: skip


def test_a_short_conversation(live) -> None:
    sender = f"smoke-{uuid.uuid4().hex[:8]}"
    greeting = live.say(sender, "你好")
    assert greeting.status == 200 and "宿州长三角政务服务助手" in greeting.texts
    answer = live.say(sender, "医宝异地被案咋办")
    assert "【跨省异地就医备案】" in answer.texts and "市医保局" in answer.texts  # answered first
    asked = live.say(sender, "/tailor_medical")  # "按您的情况细说"
    assert "长期在外地居住" in asked.texts
    answer = live.say(sender, '/inform{"stay_type":"长期居住"}')
    assert "长期在外地居住或工作" in answer.texts and "市医保局" in answer.texts
    materials = live.say(sender, "那要带什么材料？")
    assert "跨省异地就医备案 · 所需材料" in materials.texts
    where = live.say(sender, "在哪办")
    assert "国家医保服务平台" in where.texts
    responsible = live.say(sender, "这事归哪个部门管")
    assert "市医保局" in responsible.texts


def test_a_question_heard_as_a_request_for_a_person_is_answered_and_the_conversation_goes_on(live) -> None:
    # NLU hears "找人" in "能找人代办不" as a request for a person; it asks who may do the errand. The answer
    # runs as a follow-up action, which no rule continues: dialogue must then listen, not loop on fallbacks
    # until Rasa's circuit breaker stops the turn (and the next one).
    sender = f"proxy-{uuid.uuid4().hex[:8]}"
    live.say(sender, "第一次办社保卡在哪申请")
    proxy = live.say(sender, "能找人代办不")
    assert "需要人工帮助" not in proxy.texts and "本人" in proxy.texts, proxy.texts
    assert not any(w in proxy.texts for w in ("没太明白", "没太听明白", "是下面这些吗")), proxy.texts
    after = live.say(sender, "那在哪办")
    assert "社会保障卡申领" in after.texts and "市人力资源社会保障局" in after.texts, after.texts


@pytest.mark.parametrize(("question", "key"), CITIZEN_QUESTIONS, ids=[k for _, k in CITIZEN_QUESTIONS])
def test_in_scope_answers_name_service_and_plan_bureau(live, kb, question: str, key: str) -> None:
    service = kb.service(key)
    reply = live.say(f"scope-{key}", question)
    assert reply.status == 200
    assert f"【{service.name}" in reply.texts  # its guide, or the part of it the question asks ("· 收费")
    assert f"负责部门：{'、'.join(service.bureaus)}" in reply.texts
    assert "信息来源：" in reply.texts


@pytest.mark.parametrize("question", ["明天宿州下雨吗", "给俺讲个笑话", "茅台股票能买不", "考驾照科目二咋练"])
def test_out_of_scope_is_declined_with_suggestions(live, question: str) -> None:
    reply = live.say(f"oos-{uuid.uuid4().hex[:6]}", question)
    assert "不在我能回答的范围" in reply.texts or "没太听明白" in reply.texts or "是下面这些吗" in reply.texts
    assert "负责部门：" not in reply.texts  # no made-up answer
    assert reply.payloads


@pytest.mark.parametrize("message", BAD_INPUTS, ids=range(len(BAD_INPUTS)))
def test_bad_input_gets_a_clear_answer(live, message: str) -> None:
    reply = live.say(f"bad-{uuid.uuid4().hex[:8]}", message)
    assert reply.status == 200, reply.body
    assert isinstance(reply.body, list) and reply.body
    assert reply.texts.strip()
    assert "Traceback" not in reply.texts and "Exception" not in reply.texts


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"not json", 400),
        (b"[1, 2]", 400),
        (b'{"message": "hi"}', 400),
        (b'{"sender": "x", "message": 42}', 400),
        (b'{"sender": "' + b"x" * 100 + b'", "message": "hi"}', 400),
        (b'{"sender": "a b", "message": "hi"}', 400),
        (b"\xff\xfe\x00", 400),
    ],
)
def test_malformed_requests_are_refused_clearly(live, body: bytes, status: int) -> None:
    reply = live.post_raw(body)
    assert reply.status == status
    assert isinstance(reply.body, dict) and reply.body["error"]


def test_personal_numbers_never_reach_the_tracker_or_the_kb(live) -> None:
    sender = f"pii-{uuid.uuid4().hex[:8]}"
    live.say(sender, "俺身份证34012319900101123X，手机13812345678，社保卡咋补办")
    live.say(sender, "找人工")
    live.say(sender, "/affirm")
    live.say(sender, "回电13912345678，身份证340123199001011234")
    for database in ("tracker.sqlite3", "kb.sqlite3"):
        with sqlite3.connect(live.data_dir / database) as connection:
            dump = "\n".join(connection.iterdump())
        for secret in ("34012319900101123X", "13812345678", "13912345678", "340123199001011234"):
            assert secret not in dump, (database, secret)
    log = (live.data_dir / "run.log").read_text()
    assert "13812345678" not in log and "34012319900101123X" not in log


def test_servers_listen_on_loopback_only(live) -> None:
    address = _non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address to test from")
    for url in (live.rasa_url, live.action_url):
        port = int(url.rsplit(":", 1)[1])
        with socket.socket() as s, pytest.raises(OSError):
            s.settimeout(2)
            s.connect((address, port))


def _non_loopback_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_inventory_of_listening_ports_telemetry_and_log_level(live) -> None:
    """Only the gateway faces the network; Rasa and the actions listen on loopback; no telemetry, no DEBUG."""
    root = psutil.Process(live.process.pid)
    listening = set()
    for process in [root, *root.children(recursive=True)]:
        for connection in process.net_connections(kind="inet"):
            if connection.status == psutil.CONN_LISTEN:
                listening.add((connection.laddr.ip, connection.laddr.port))
    port = lambda url: int(url.rsplit(":", 1)[1])  # noqa: E731
    assert listening == {
        ("127.0.0.1", port(live.gateway_url)),  # SZ_HOST defaults to loopback too
        ("127.0.0.1", port(live.rasa_url)),
        ("127.0.0.1", port(live.action_url)),
    }
    for child in root.children(recursive=True):
        assert child.environ().get("RASA_TELEMETRY_ENABLED") == "false"
    assert " DEBUG " not in (live.data_dir / "run.log").read_text()


def test_inventory_of_rasa_routes(live) -> None:
    """Rasa serves its REST channel and nothing of its HTTP API (no --enable-api)."""
    assert live.get(f"{live.rasa_url}/webhooks/rest/") == 200
    for path in ("/status", "/version", "/model/parse", "/model/train", "/model/predict", "/domain",
                 "/conversations/x/tracker", "/conversations/x/messages", "/conversations/x/execute",
                 "/conversations/x/trigger_intent", "/conversations/x/predict", "/conversations/x/story",
                 "/model", "/webhooks/socketio/"):  # fmt: skip
        assert live.get(f"{live.rasa_url}{path}") in (404, 405), path


def _aiohttp_loaded_by(process: psutil.Process) -> tuple[Path, str]:
    """The folder aiohttp was loaded from by a running process (its compiled parser is mapped into
    memory), and the version installed there."""
    for mapping in process.memory_maps():
        path = Path(mapping.path)
        if path.parent.name == "aiohttp" and path.suffix == ".so":
            site = path.parent.parent
            versions = [d.version for d in distributions(path=[str(site)]) if d.metadata["Name"].lower() == "aiohttp"]
            return site, versions[0]
    raise AssertionError(f"{process.cmdline()} has no aiohttp loaded")


def test_the_gateway_runs_a_current_aiohttp_and_rasa_its_own(live) -> None:
    root = psutil.Process(live.process.pid)
    children = {" ".join(c.cmdline()): c for c in root.children(recursive=True)}
    gateway = next(c for line, c in children.items() if line.endswith("-m bot gateway"))
    rasa = next(c for line, c in children.items() if " rasa run" in line)
    assert Path(gateway.exe()).resolve() == (PROJECT_ROOT / ".venv-web" / "bin" / "python").resolve()
    site, version = _aiohttp_loaded_by(gateway)
    assert str(site).startswith(str(PROJECT_ROOT / ".venv-web") + "/")
    assert _major_minor(version) >= (3, 13), version
    rasa_site, rasa_version = _aiohttp_loaded_by(rasa)
    assert str(rasa_site).startswith(str(PROJECT_ROOT / ".venv") + "/")
    assert _major_minor(rasa_version) < (3, 10), rasa_version  # Rasa 3.6 keeps the aiohttp it pins
    print(f"gateway: aiohttp {version} from {site}; rasa: aiohttp {rasa_version} from {rasa_site}")


def _major_minor(version: str) -> tuple[int, int]:
    major, minor = version.split(".")[:2]
    return int(major), int(minor)
