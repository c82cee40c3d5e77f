using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using LuffyBlazor.Common;

namespace LuffyBlazor.Features.Payments.WeChat;

/// <summary>An order to pay: amounts in yuan here, fen on the wire; <paramref name="TimeExpire"/> goes out in RFC 3339 +08:00.</summary>
/// <param name="PayerClientIp">H5 only: the buyer's address, which WeChat requires for its risk checks.</param>
public sealed record WeChatPayTradeRequest(
    string OutTradeNo, decimal Total, string Description, DateTimeOffset TimeExpire, string NotifyUrl, string? PayerClientIp = null);

public sealed record WeChatPayRefundRequest(string OutTradeNo, string OutRefundNo, decimal Refund, decimal Total, string? Reason, string NotifyUrl);

public sealed record WeChatPayAmount(
    long Total, [property: JsonPropertyName("payer_total")] long? PayerTotal = null, string? Currency = null, long? Refund = null);

public sealed record WeChatPayPayer(string? Openid);

/// <summary>A transaction as the query answers it and a payment notify carries it (decrypted).</summary>
public sealed record WeChatPayTransaction(
    string? Appid, string? Mchid, string? OutTradeNo, string? TransactionId, string? TradeType, string? TradeState,
    string? TradeStateDesc, string? SuccessTime, WeChatPayPayer? Payer, WeChatPayAmount? Amount)
{
    /// <summary>SUCCESS; REFUND (paid, refunds since); NOTPAY/USERPAYING (waiting); CLOSED/REVOKED (closed unpaid); PAYERROR.</summary>
    public TradeState State => TradeState switch
    {
        "SUCCESS" or "REFUND" => Payments.TradeState.Paid,
        "NOTPAY" or "USERPAYING" or "PAYERROR" => Payments.TradeState.WaitingForBuyer,
        "CLOSED" or "REVOKED" => Payments.TradeState.Closed,
        _ => Payments.TradeState.Unknown,
    };

    public decimal? TotalYuan => Amount is { } a ? Money.FromFen(a.Total) : null;

    public DateTimeOffset? PaidAt => WeChatPayTime.TryParse(SuccessTime, out var t) ? t : null;

    public static string StatusText(string? tradeState) => tradeState switch
    {
        "SUCCESS" => "支付成功",
        "REFUND" => "转入退款",
        "NOTPAY" => "未支付",
        "CLOSED" => "已关闭",
        "REVOKED" => "已撤销",
        "USERPAYING" => "用户支付中",
        "PAYERROR" => "支付失败",
        _ => tradeState ?? "",
    };
}

/// <summary>A refund as the refund API, the refund query and a refund notify (decrypted) give it.</summary>
public sealed record WeChatPayRefund(
    string? Mchid, string? OutTradeNo, string? TransactionId, string? OutRefundNo, string? RefundId, string? Status,
    [property: JsonPropertyName("refund_status")] string? RefundStatus, string? SuccessTime, WeChatPayAmount? Amount)
{
    /// <summary>The refund API and query name it <c>status</c>; the notify <c>refund_status</c>: SUCCESS, CLOSED, PROCESSING, ABNORMAL.</summary>
    public string? EffectiveStatus => Status ?? RefundStatus;
}

public sealed record WeChatPayCodeUrl(string? CodeUrl);

public sealed record WeChatPayH5Url(string? H5Url);

/// <summary>An error answer: HTTP 4xx/5xx with <c>{"code","message"}</c>.</summary>
public sealed record WeChatPayError(string? Code, string? Message)
{
    /// <summary>
    /// Codes after which the request may or may not have taken effect: WeChat's own advice is to query (or send the
    /// same request again) before believing either way.
    /// </summary>
    public bool IsResultUnknown => Code is null or "SYSTEM_ERROR" or "SYSTEMERROR" or "FREQUENCY_LIMITED" or "BANKERROR";

    /// <summary>The trade or refund is not known at WeChat (404 <c>ORDER_NOT_EXIST</c> or <c>RESOURCE_NOT_EXISTS</c>).</summary>
    public bool IsNotFound => Code is "ORDER_NOT_EXIST" or "RESOURCE_NOT_EXISTS" or "ORDERNOTEXIST";

    public override string ToString() => $"{Code}: {Message}";
}

/// <summary>An answer: the data on success, otherwise the error; <see cref="IsSigned"/> false when the answer's signature did not verify.</summary>
public sealed record WeChatPayResponse<T>(int HttpStatus, T? Data, WeChatPayError? Error, bool IsSigned = true) where T : class
{
    public bool IsSuccess => Error is null;
    public bool IsNotFound => Error?.IsNotFound == true && IsSigned;
}

public sealed class WeChatPayException(string operation, string message, Exception? inner = null)
    : Exception($"WeChat Pay {operation}: {message}", inner);

/// <summary>APIv3's time format: RFC 3339 with the offset, Beijing time ("2026-11-25T16:30:05+08:00").</summary>
public static class WeChatPayTime
{
    public static string Format(DateTimeOffset time) =>
        time.ToOffset(BeijingTime.Offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out time) && text!.Contains('T');
}

public static class WeChatPayJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
