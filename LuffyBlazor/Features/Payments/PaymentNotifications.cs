namespace LuffyBlazor.Features.Payments;

/// <summary>
/// A trade's state at a payment provider in the shop's words. Each provider maps its own codes to these (Alipay:
/// <c>TRADE_SUCCESS</c> and <c>TRADE_FINISHED</c> are <see cref="Paid"/>), so the shop decides the same way whoever sent it.
/// </summary>
public enum TradeState
{
    /// <summary>A state the provider sent that the shop does not know: refused.</summary>
    Unknown = 0,
    /// <summary>The trade exists, the buyer has not paid (yet).</summary>
    WaitingForBuyer = 1,
    /// <summary>The money was taken (refunds since then may be reported with it).</summary>
    Paid = 2,
    /// <summary>Closed unpaid (deadline passed, closed by the merchant), or closed after a full refund.</summary>
    Closed = 3,
}

/// <summary>
/// What a provider's async notify says, parsed by the provider into the shop's terms. Identifiers are as received
/// (so the notify log shows what arrived); amounts are <c>decimal</c>, times are instants.
/// </summary>
/// <param name="AppId">The merchant application the notify was sent for (Alipay's <c>app_id</c>).</param>
/// <param name="TradeStatus">The provider's own word for the state, as logged.</param>
/// <param name="ProviderTradeNo">The provider's trade number (Alipay's <c>trade_no</c>).</param>
/// <param name="RefundedTotal">The trade's refunded total so far, when the notify reports a refund.</param>
/// <param name="MerchantId">The merchant account the money went to (Alipay's <c>seller_id</c>, the 2088… PID; WeChat's <c>mchid</c>).</param>
/// <param name="Refund">Set when the notify reports one refund by its request number (WeChat's refund notifies).</param>
public sealed record PaymentNotification(
    string? AppId,
    string? OutTradeNo,
    string? NotifyId,
    string? TradeStatus,
    TradeState State,
    string? ProviderTradeNo,
    decimal? TotalAmount,
    DateTimeOffset? PaidAt,
    string? BuyerId,
    decimal? RefundedTotal,
    string? MerchantId = null,
    RefundReport? Refund = null);

public enum RefundReportState
{
    /// <summary>The money went back to the buyer.</summary>
    Succeeded,
    /// <summary>The refund was closed: no money moved.</summary>
    Closed,
    /// <summary>The provider could not complete it (e.g. the buyer's card was cancelled): a person has to look.</summary>
    Abnormal,
}

/// <summary>One refund's outcome as a provider reports it: the shop's refund request number and the amount of this refund.</summary>
public sealed record RefundReport(string OutRequestNo, RefundReportState State, decimal? Amount);

/// <summary>A payment provider as the shop names it.</summary>
/// <param name="Name">"Alipay": names the provider in logs.</param>
/// <param name="ChineseName">"支付宝": names it in an order's history.</param>
/// <param name="NotifyActor">Who an order's status history names for a change its notify makes, e.g. "alipay-notify".</param>
/// <param name="AppIdField">The provider's name for the application id, as the notify log's reasons quote it.</param>
/// <param name="MerchantIdField">Its name for the merchant account.</param>
/// <param name="AmountField">Its name for the trade's total.</param>
public sealed record PaymentProvider(
    string Name, string ChineseName, string NotifyActor,
    string AppIdField = "app_id", string MerchantIdField = "seller_id", string AmountField = "total_amount");

/// <summary>
/// A notify as it reached a provider's endpoint, with the provider's verdict on it. The provider verifies (signature,
/// format) and parses; the shop (<see cref="IPaymentNotifyHandler"/>) decides what it means for the order.
/// </summary>
/// <param name="ExpectedAppId">The merchant application this provider is configured for; null when this kind of notify names none (WeChat's refund notifies).</param>
/// <param name="Parameters">Everything received, in order, for the notify log.</param>
/// <param name="Notification">What it says; parsed even when not verified (to be logged, never acted upon), null when nothing could be read.</param>
/// <param name="Refusal">Why the provider did not verify it; null when it did.</param>
/// <param name="ExpectedMerchantId">The merchant account this provider is configured for (Alipay's <c>Alipay:SellerId</c>); null: not checked.</param>
public sealed record ReceivedNotify(
    PaymentProvider Provider,
    string? ExpectedAppId,
    IReadOnlyList<KeyValuePair<string, string>> Parameters,
    PaymentNotification? Notification,
    string? Refusal,
    string? RemoteIp,
    string? ExpectedMerchantId = null)
{
    public bool IsVerified => Refusal is null && Notification is not null;
}

/// <summary>
/// The shop's side of every provider's notify endpoint: decides what a verified notify changes, changes it at most
/// once, and keeps every notify in the notify log. Providers call it; they never touch orders themselves.
/// </summary>
public interface IPaymentNotifyHandler
{
    /// <summary>True when the provider should be answered with its "received" word (Alipay's <c>success</c>).</summary>
    Task<bool> HandleAsync(ReceivedNotify notify, CancellationToken ct);

    /// <summary>Keeps a record of a body that could not even be read (not a form, too large...), one by one up to a limit per address, then counted.</summary>
    Task RecordUnreadableAsync(string reason, string? remoteIp, PaymentProvider? provider = null);
}
