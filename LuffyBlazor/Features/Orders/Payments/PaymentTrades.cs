using LuffyBlazor.Features.Payments;

namespace LuffyBlazor.Features.Orders.Payments;

public enum TradeLookupState
{
    /// <summary>The provider knows the trade: see its state.</summary>
    Found,
    /// <summary>The provider has no such trade: the buyer never opened its cashier (an answer it signed).</summary>
    NotExist,
    /// <summary>The provider answered an error.</summary>
    Error,
    /// <summary>The provider could not be asked (network, timeout, an answer that did not verify).</summary>
    Unreachable,
}

/// <summary>A trade as a provider reports it, in the shop's terms, with the provider's own words for the admin's live view.</summary>
/// <param name="Status">The provider's state code as sent (TRADE_SUCCESS, SUCCESS...).</param>
/// <param name="Details">More of what the provider said, label and value, shown as they are.</param>
public sealed record ProviderTrade(
    TradeState State, string Status, string StatusText, string? TradeNo, decimal? TotalAmount, DateTimeOffset? PaidAt, string? BuyerId,
    IReadOnlyList<KeyValuePair<string, string>> Details);

/// <param name="Error">What the provider said (<see cref="TradeLookupState.Error"/>) or why it could not be asked.</param>
/// <param name="ErrorDetail">The shortest form of it for a learner's message.</param>
public sealed record TradeLookup(TradeLookupState State, ProviderTrade? Trade, string? Error = null, string? ErrorDetail = null);

public enum ProviderRefundState
{
    /// <summary>The money went back.</summary>
    Succeeded,
    /// <summary>The provider has no such refund request: sending the same request number again refunds at most once.</summary>
    NotFound,
    /// <summary>The provider refused or closed it: no money moved.</summary>
    Failed,
    /// <summary>Not known (no answer, "system busy", still processing, abnormal): the refund stays pending.</summary>
    Unknown,
}

/// <param name="RefundedTotal">The trade's refunded total after this refund, when the provider says (Alipay's refund_fee).</param>
/// <param name="Message">For the admin: why it failed, or why the result is not known.</param>
/// <param name="Error">What to keep on the refund row (the provider's code and words).</param>
public sealed record ProviderRefundAnswer(ProviderRefundState State, decimal? RefundedTotal = null, string Message = "", string? Error = null);

public sealed record ProviderRefundRequest(string OutTradeNo, string OutRequestNo, decimal Amount, decimal OrderTotal, string Reason);

/// <summary>
/// What Orders asks of the provider an order is paid with: query, close and refund, in the shop's terms. One
/// implementation per provider (<see cref="AlipayTrades"/>, <see cref="WeChatTrades"/>); the provider's client stays in
/// its own folder, and nothing here signs anything.
/// </summary>
public interface IPaymentTrades
{
    PayType PayType { get; }

    /// <summary>"支付宝", "微信支付": names the provider in messages to learners and admins.</summary>
    string ChineseName { get; }

    /// <summary>The longest one call can take, retries included (the sweeper's claim is sized from it).</summary>
    TimeSpan CallTimeout { get; }

    /// <summary>True when this provider is configured (WeChat Pay is off when its settings are unset).</summary>
    bool IsEnabled { get; }

    Task<TradeLookup> QueryAsync(string outTradeNo, CancellationToken ct = default);

    /// <summary>Null when closed, or nothing to close (no trade); otherwise why not (the trade may have been paid a moment ago).</summary>
    Task<string?> CloseAsync(string outTradeNo, CancellationToken ct = default);

    Task<ProviderRefundAnswer> RefundAsync(ProviderRefundRequest request, CancellationToken ct = default);

    Task<ProviderRefundAnswer> QueryRefundAsync(string outTradeNo, string outRequestNo, CancellationToken ct = default);
}

/// <summary>Picks the provider by an order's pay type.</summary>
public sealed class PaymentTradesByType(IEnumerable<IPaymentTrades> providers)
{
    private readonly Dictionary<PayType, IPaymentTrades> byType = providers.ToDictionary(p => p.PayType);

    public IPaymentTrades For(PayType payType) =>
        byType.TryGetValue(payType, out var trades) ? trades : throw new InvalidOperationException($"No payment provider for pay type {payType}.");

    public IReadOnlyCollection<IPaymentTrades> All => byType.Values;
}
