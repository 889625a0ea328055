"""TikTok Shop's shipping rules for an Indonesian shop (spec.fulfilment) and the reason codes each answer needs, from
the reference's ID tables (return-and-refund/cancel-reasons.json, return-reasons.json; see fulfilment_contracts)."""

from __future__ import annotations

from companion.domain.fulfilment import CancelReason, FulfilmentRules, ShipMethod
from companion.i18n import N_

# Seller-initiated cancel reasons for a paid ID order (ON_HOLD / AWAITING_SHIPMENT); "Unable to deliver to buyer
# address" is left out: removed for ID (changelog, 1 Mar 2024 and 31 Aug 2025).
CANCEL_REASONS = (
    CancelReason("seller_cancel_reason_out_of_stock", N_("Out of stock")),
    CancelReason("seller_cancel_reason_wrong_price", N_("Wrong price")),
)
# Reasons to refuse a buyer's return or refund request (ID "Seller Reject Return Request Reason").
REFUSE_REASONS = (
    CancelReason("reverse_reject_request_reason_1", N_("The buyer's reason is not valid")),
    CancelReason("reverse_reject_request_reason_2", N_("Change-of-mind returns are not accepted")),
    CancelReason("reverse_reject_request_reason_3", N_("Not eligible for return (used or broken)")),
    CancelReason("reverse_reject_request_reason_4", N_("The parcel is on its way as planned")),
    CancelReason("reverse_reject_request_reason_5", N_("We agreed with the buyer")),
    CancelReason("seller_reject_apply_item_is_correct", N_("The item sent was the right one")),
    CancelReason("seller_reject_apply_products_will_be_sent_separately", N_("The items are sent separately")),
    CancelReason("seller_reject_apply_reason_is_unclear_or_lack_of_evidence", N_("The reason is unclear or unproven")),
    CancelReason("seller_reject_apply_product_functions_well/buyer_use_in_wrong_way",
                 N_("The item works; it was used the wrong way")),
    CancelReason("seller_reject_apply_package_has_not_exceeded_estimated_delivery_time",
                 N_("Already shipped; the courier cannot call it back")),
)
# A buyer's cancel request takes its own reasons (ID "Seller Reject Cancel Request Reason"): each return reason
# above goes to the one meaning the same; any other to "invalid reason for cancellation".
CANCEL_REJECT_DEFAULT = "order_manage_list_action_respond_popup_reject_reason_invalid_cancellation_reason"
CANCEL_REJECT = {
    "reverse_reject_request_reason_1": CANCEL_REJECT_DEFAULT,
    "reverse_reject_request_reason_4": "order_manage_list_action_respond_popup_reject_reason_delivered",
    "reverse_reject_request_reason_5": "order_manage_list_action_respond_popup_reject_reason_buyer_agree",
    "seller_reject_apply_package_has_not_exceeded_estimated_delivery_time":
        "seller_reject_apply_product_has_been_packed",
}
CANCEL_REJECT_CODES = frozenset({*CANCEL_REJECT.values(), "system_cancel_failed_due_to_tts"})
# A returned parcel refused on arrival takes the "Seller rejects receive package" reasons.
PARCEL_REJECT_DEFAULT = "reverse_reject_return_parcel_reason_2"   # not eligible for return (used or broken)
PARCEL_REJECT = {
    "reverse_reject_request_reason_3": PARCEL_REJECT_DEFAULT,
    "reverse_reject_request_reason_5": "seller_reject_apply_you_have_reached_an_agreement_with_the_buyer",
    "seller_reject_apply_item_is_correct": "reverse_reject_return_parcel_reason_1",
}
PARCEL_REJECT_CODES = frozenset({*PARCEL_REJECT.values(), *(f"reverse_reject_return_parcel_reason_{n}"
                                                            for n in range(1, 6))})

RULES = FulfilmentRules(
    methods=(ShipMethod.PICKUP, ShipMethod.DROPOFF, ShipMethod.OWN_COURIER),
    cancel_reasons=CANCEL_REASONS,
    cancels_lines=False,  # Cancel Order: partial cancellation is for the US and UK markets only
    refuse_reasons=REFUSE_REASONS,
    partial_refund=True,  # Approve Return decision OFFER_PARTIAL_REFUND
    # rts_sla_time (late dispatch, Late Dispatch Rate: marketplaces.md §5.2) and shipping_due_time ("If the order
    # hasn't updated its status to AWAITING_COLLECTION before this time, the order will be automatically canceled")
    late_note=N_("TikTok Shop counts an order not ready to ship by its ship-by time as late (a Late Dispatch Rate of "
                 "10% or more limits the shop's daily orders) and cancels by itself an order still not arranged by "
                 "the shipping deadline."),
    seller_centre_url="https://seller-id.tokopedia.com",  # the ID Seller Center host in the scraped guides
)


def cancel_reject_reason(reason: str) -> str:
    """The reason a buyer's cancel request is refused with."""
    if reason in CANCEL_REJECT_CODES:
        return reason
    return CANCEL_REJECT.get(reason, CANCEL_REJECT_DEFAULT)


def parcel_reject_reason(reason: str) -> str:
    """The reason a returned parcel is refused with."""
    if reason in PARCEL_REJECT_CODES:
        return reason
    return PARCEL_REJECT.get(reason, PARCEL_REJECT_DEFAULT)
