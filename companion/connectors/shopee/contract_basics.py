"""What every Shopee contract shares (connectors/contract.py format): the sources, the common parameters, the
answer envelope and the common error list of every shop API, with what each code means for us. contracts.py and
fulfilment_contracts.py build their endpoints from these."""

from __future__ import annotations

from companion.connectors.contract import ErrorCode, Field

SCHEMA = "congminh1254/shopee-sdk schemas/"
CHAT_SOURCES = ("wjp-letgo/shopeego sellerchat/sellerchat.go + sellerchat/entity; technology20nn/shopee-php "
                "src/Nodes/Chat; reference §1.9 (not in the scraped official schema set)")

# Common parameters ([SHP-GUIDE] api-calls.md; every schema's common_params)
PUBLIC_COMMON = (Field("partner_id", "int", low=0, high=4294967295), Field("timestamp", "int", low=0),
                 Field("sign", "str", low=64, high=64))
SHOP_COMMON = (*PUBLIC_COMMON, Field("access_token", "str", low=1), Field("shop_id", "int", low=0, high=4294967295))

# The envelope every answer has ([SHP-GUIDE]: "request_id and error always returned"; message "Always returned")
ENVELOPE = (Field("error", "str"), Field("message", "str", required=False), Field("request_id", "str", low=1))

# common_error_list of every shop API [SHP-SCHEMA], with what each means for us
COMMON_ERRORS = (
    ErrorCode("error_auth", "auth_expired", "Invalid access_token"),
    ErrorCode("error_auth", "relink", "Invalid partner_id or shopid"),
    ErrorCode("error_auth", "not_permitted", "No permission to current api"),
    ErrorCode("error_auth", "not_permitted", "permissions for authorizations have been restricted"),
    ErrorCode("invalid_acceess_token", "auth_expired", "Invalid access_token, please have a check."),
    ErrorCode("invalid_access_token", "auth_expired", "Invalid access_token (spelling seen in SDKs)"),
    ErrorCode("error_param", "refused", "parameter invalid"),
    ErrorCode("error_param", "clock", "Timestamp is expired"),
    ErrorCode("error_sign", "refused", "Wrong sign."),
    ErrorCode("invalid_partner_id", "refused", "Invalid partner_id, please have a check."),
    ErrorCode("error_rate_limit", "throttled", "Too many requests. You have reached the rate limit."),
    ErrorCode("error_limit", "throttled", "reached the daily API call limit"),
    ErrorCode("source_ip_undeclared", "ip_not_allowed", "is undeclared. Please declare all your IP addresses"),
    ErrorCode("error_api_call_restricted", "not_permitted", "The App permission for api call have been restricted"),
    ErrorCode("error_api_permission", "not_permitted", "This app type has no permission to this API."),
    ErrorCode("api_suspended", "not_permitted", "The API is offline."),
    ErrorCode("shop_no_linked", "relink", "Partner and shop has no linked."),
    ErrorCode("partner_shop_no_link", "relink", "Invalid partner_id or shop_id"),
    ErrorCode("shop_banned", "relink", "The shop account has been banned."),
    ErrorCode("error_partner_key_expired", "refused", "Your API partner key has expired"),
    ErrorCode("error_not_found", "refused", "unknown API path"),
)
SERVER_ERRORS = (
    ErrorCode("error_server", "temporary", "Something wrong. Please try later."),
    ErrorCode("error_inner", "temporary", "System error, please try again later"),
    ErrorCode("error_system_busy", "temporary", "Our system is taking some time to respond"),
    ErrorCode("error_network", "temporary", "Inner http call failed"),
    ErrorCode("error_data", "refused", "data not exist"),
)
