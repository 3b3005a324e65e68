"""The two ways a real node reports failure over HTTP, as exceptions inside the devnet."""

from __future__ import annotations


class BroadcastError(Exception):
    """A transaction refused by `broadcasttransaction` (`{"code", "message", "txid"}`).

    `code` is java-tron's `response_code` name (SIGERROR, TAPOS_ERROR, ...); `message` is the
    full text the node puts in `message` (hex-encoded on the wire unless `visible`).
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class ContractValidateFailure(BroadcastError):
    """CONTRACT_VALIDATE_ERROR with java-tron's "Contract validate error : " prefix."""

    def __init__(self, detail: str) -> None:
        super().__init__("CONTRACT_VALIDATE_ERROR", f"Contract validate error : {detail}")
        self.detail = detail


class JavaException(Exception):
    """Rendered as `{"Error": "class <java_class> : <message>"}`, as java-tron's servlets do."""

    def __init__(self, java_class: str, message: str) -> None:
        super().__init__(message)
        self.java_class = java_class
        self.message = message

    def body(self) -> dict[str, str]:
        return {"Error": f"class {self.java_class} : {self.message}"}


def illegal_argument(message: str) -> JavaException:
    return JavaException("java.lang.IllegalArgumentException", message)


def json_error(message: str) -> JavaException:
    return JavaException("com.alibaba.fastjson.JSONException", message)


PARSE_EXCEPTION = "org.tron.core.services.http.JsonFormat$ParseException"


def parse_error(message: str) -> JavaException:
    return JavaException(PARSE_EXCEPTION, message)
