using LuffyBlazor.Common;

namespace LuffyBlazor.Features.Payments.Alipay;

/// <summary>Alipay's <c>trade_status</c> values, and what each means to the shop.</summary>
public static class AlipayTradeStatus
{
    public const string WaitBuyerPay = "WAIT_BUYER_PAY";
    public const string Success = "TRADE_SUCCESS";
    public const string Finished = "TRADE_FINISHED";
    public const string Closed = "TRADE_CLOSED";

    /// <summary><c>TRADE_FINISHED</c> is a paid trade past its refund window: paid all the same.</summary>
    public static TradeState ToTradeState(string? tradeStatus) => tradeStatus switch
    {
        Success or Finished => TradeState.Paid,
        WaitBuyerPay => TradeState.WaitingForBuyer,
        Closed => TradeState.Closed,
        _ => TradeState.Unknown,
    };
}

/// <summary>An async notify (<c>trade_status_sync</c>) as Alipay posts it, values decoded once.</summary>
public sealed class AlipayNotification
{
    public string? NotifyId { get; init; }
    public string? NotifyType { get; init; }
    public DateTimeOffset? NotifyTime { get; init; }
    public string? AppId { get; init; }
    public string? AuthAppId { get; init; }
    public string? OutTradeNo { get; init; }
    public string? TradeNo { get; init; }
    public string? OutBizNo { get; init; }
    public string? TradeStatus { get; init; }
    public decimal? TotalAmount { get; init; }
    public decimal? ReceiptAmount { get; init; }
    public decimal? BuyerPayAmount { get; init; }
    /// <summary>The trade's refunded total so far (refund notifies).</summary>
    public decimal? RefundFee { get; init; }
    public DateTimeOffset? GmtCreate { get; init; }
    public DateTimeOffset? GmtPayment { get; init; }
    public DateTimeOffset? GmtRefund { get; init; }
    public DateTimeOffset? GmtClose { get; init; }
    public string? SellerId { get; init; }
    public string? BuyerId { get; init; }
    public string? BuyerLogonId { get; init; }
    public string? Subject { get; init; }

    /// <summary>
    /// The notify in the shop's terms. Identifiers fall back to the raw <paramref name="form"/> value (an empty
    /// parameter is logged as it arrived, not as missing).
    /// </summary>
    public PaymentNotification ToPaymentNotification(IReadOnlyList<KeyValuePair<string, string>> form) => new(
        AppId, OutTradeNo ?? Raw(form, "out_trade_no"), NotifyId ?? Raw(form, "notify_id"), TradeStatus ?? Raw(form, "trade_status"),
        AlipayTradeStatus.ToTradeState(TradeStatus), TradeNo, TotalAmount, GmtPayment, BuyerId, RefundFee, SellerId);

    private static string? Raw(IReadOnlyList<KeyValuePair<string, string>> form, string key) =>
        form.FirstOrDefault(p => p.Key == key).Value;
}

/// <summary>The query string Alipay sends the buyer's browser back with (<c>alipay.trade.page.pay.return</c>).</summary>
public sealed class AlipayReturn
{
    public string? Method { get; init; }
    public string? AppId { get; init; }
    public string? OutTradeNo { get; init; }
    public string? TradeNo { get; init; }
    public decimal? TotalAmount { get; init; }
    public string? SellerId { get; init; }
    public DateTimeOffset? Timestamp { get; init; }
}

/// <summary>
/// A callback's verdict. <see cref="Notification"/> is parsed even when the verdict is invalid, so that what
/// arrived can be logged; it must not be acted upon unless <see cref="IsValid"/>.
/// </summary>
public sealed record AlipayVerification<T>(bool IsValid, T? Notification, string? Reason) where T : class;

/// <summary>
/// Parses and verifies what Alipay sends back: the async notify and the return query. The signature covers
/// every parameter but <c>sign</c> and <c>sign_type</c>, empty values included; when that fails, once more keeping
/// <c>sign_type</c>, as the official SDKs do. Never throws for malformed input: that is an invalid verdict with a reason.
/// </summary>
public sealed class AlipayCallbacks(AlipayCredentials credentials)
{
    public AlipayVerification<AlipayNotification> VerifyNotify(IReadOnlyList<KeyValuePair<string, string>> form)
    {
        var (notification, problem) = ParseNotification(form);
        return Verdict(form, notification, problem);
    }

    public AlipayVerification<AlipayReturn> VerifyReturn(IReadOnlyList<KeyValuePair<string, string>> query)
    {
        var (callback, problem) = ParseReturn(query);
        return Verdict(query, callback, problem);
    }

    private AlipayVerification<T> Verdict<T>(IReadOnlyList<KeyValuePair<string, string>> fields, T value, string? problem) where T : class
    {
        var signatureProblem = CheckSignature(fields);
        return signatureProblem is null && problem is null
            ? new(true, value, null)
            : new(false, value, signatureProblem ?? problem);
    }

    /// <summary>Null when the signature holds, otherwise why not.</summary>
    private string? CheckSignature(IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        string? sign = null;
        string? signTypeText = null;
        foreach (var (key, value) in fields)
        {
            if (key == "sign")
            {
                sign = value;
            }
            else if (key == "sign_type")
            {
                signTypeText = value;
            }
        }

        if (string.IsNullOrEmpty(sign))
        {
            return "missing sign";
        }

        var signType = credentials.SignType;
        if (!string.IsNullOrEmpty(signTypeText))
        {
            if (!AlipaySignature.TryParseSignType(signTypeText, out signType))
            {
                return $"unsupported sign_type {signTypeText}";
            }

            // No downgrade: SHA1 signatures are accepted only from accounts configured for legacy RSA.
            if (signType == AlipaySignType.RSA && credentials.SignType != AlipaySignType.RSA)
            {
                return "sign_type RSA (SHA1) refused: this account signs with RSA2";
            }
        }

        // Callbacks name no certificate: in certificate mode, each configured Alipay certificate is tried.
        var content = AlipaySignature.BuildCallbackSignContent(fields, keepSignType: false);
        var withSignType = signTypeText is null ? null : AlipaySignature.BuildCallbackSignContent(fields, keepSignType: true);
        if (credentials.AlipayPublicKeys.Any(key => AlipaySignature.Verify(content, sign, key, signType)
                || (withSignType is not null && AlipaySignature.Verify(withSignType, sign, key, signType))))
        {
            return null;
        }

        return credentials.Certificates is null
            ? "signature does not verify with Alipay's public key"
            : "signature does not verify with any configured Alipay certificate (Alipay:AlipayPublicCertPath)";
    }

    private static (AlipayNotification, string?) ParseNotification(IReadOnlyList<KeyValuePair<string, string>> form)
    {
        var reader = new FieldReader(form);
        var notification = new AlipayNotification
        {
            NotifyId = reader.Text("notify_id"),
            NotifyType = reader.Text("notify_type"),
            NotifyTime = reader.Time("notify_time"),
            AppId = reader.Text("app_id"),
            AuthAppId = reader.Text("auth_app_id"),
            OutTradeNo = reader.Text("out_trade_no"),
            TradeNo = reader.Text("trade_no"),
            OutBizNo = reader.Text("out_biz_no"),
            TradeStatus = reader.Text("trade_status"),
            TotalAmount = reader.Amount("total_amount"),
            ReceiptAmount = reader.Amount("receipt_amount"),
            BuyerPayAmount = reader.Amount("buyer_pay_amount"),
            RefundFee = reader.Amount("refund_fee"),
            GmtCreate = reader.Time("gmt_create"),
            GmtPayment = reader.Time("gmt_payment"),
            GmtRefund = reader.Time("gmt_refund"),
            GmtClose = reader.Time("gmt_close"),
            SellerId = reader.Text("seller_id"),
            BuyerId = reader.Text("buyer_id") ?? reader.Text("buyer_open_id"),
            BuyerLogonId = reader.Text("buyer_logon_id"),
            Subject = reader.Text("subject"),
        };
        return (notification, reader.Problem);
    }

    private static (AlipayReturn, string?) ParseReturn(IReadOnlyList<KeyValuePair<string, string>> query)
    {
        var reader = new FieldReader(query);
        var callback = new AlipayReturn
        {
            Method = reader.Text("method"),
            AppId = reader.Text("app_id"),
            OutTradeNo = reader.Text("out_trade_no"),
            TradeNo = reader.Text("trade_no"),
            TotalAmount = reader.Amount("total_amount"),
            SellerId = reader.Text("seller_id"),
            Timestamp = reader.Time("timestamp"),
        };
        return (callback, reader.Problem);
    }

    /// <summary>Typed access to the fields; the first malformed value is remembered as the problem.</summary>
    private sealed class FieldReader(IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        public string? Problem { get; private set; }

        public string? Text(string key)
        {
            foreach (var (k, v) in fields)
            {
                if (k == key)
                {
                    return string.IsNullOrEmpty(v) ? null : v;
                }
            }

            return null;
        }

        public decimal? Amount(string key)
        {
            var text = Text(key);
            if (text is null)
            {
                return null;
            }

            if (Money.TryParse(text, out var amount))
            {
                return amount;
            }

            Problem ??= $"{key} '{Shorten(text)}' is not an amount";
            return null;
        }

        public DateTimeOffset? Time(string key)
        {
            var text = Text(key);
            if (text is null)
            {
                return null;
            }

            if (BeijingTime.TryParseAlipayText(text, out var time))
            {
                return time;
            }

            Problem ??= $"{key} '{Shorten(text)}' is not a time";
            return null;
        }

        private static string Shorten(string text) => text.Length <= 32 ? text : text[..32] + "…";
    }
}
