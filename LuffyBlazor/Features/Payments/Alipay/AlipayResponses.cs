using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LuffyBlazor.Common;

namespace LuffyBlazor.Features.Payments.Alipay;

/// <summary>An OpenAPI call that could not give a trustworthy answer: unreachable, timed out, garbled or badly signed.</summary>
public sealed class AlipayException(string method, string message, Exception? inner = null)
    : Exception($"{method}: {message}", inner)
{
    public string Method { get; } = method;
}

/// <summary>Alipay's error fields: <c>code</c> 40004 with <c>sub_code</c> <c>ACQ.TRADE_NOT_EXIST</c>, and so on.</summary>
public sealed record AlipayError(string Code, string Msg, string? SubCode, string? SubMsg)
{
    /// <summary>
    /// Alipay could not tell what became of the call: <c>code</c> 20000 (服务不可用: <c>isp.unknow-error</c>,
    /// <c>aop.unknow-error</c>), or <c>ACQ.SYSTEM_ERROR</c> (also as <c>aop.ACQ.SYSTEM_ERROR</c>) under any code, in any
    /// letter case. Alipay's advice for calls that move money: the result is unknown, so query before acting again.
    /// </summary>
    public bool IsResultUnknown => Code == "20000" || SubCode is { } sub && UnknownResultSubCodes.Contains(sub);

    private static readonly HashSet<string> UnknownResultSubCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "isp.unknow-error", "aop.unknow-error", "ACQ.SYSTEM_ERROR", "aop.ACQ.SYSTEM_ERROR",
    };

    public override string ToString() => $"{Code} {Msg}" + (SubCode is null ? "" : $" ({SubCode}: {SubMsg})");
}

/// <summary>A verified answer: <see cref="Data"/> when <c>code</c> is 10000, otherwise <see cref="Error"/>.</summary>
public sealed class AlipayResponse<T> where T : class
{
    public T? Data { get; init; }
    public AlipayError? Error { get; init; }

    /// <summary>The response carried a signature and it verified. Success answers are never accepted without one.</summary>
    public bool IsSigned { get; init; }

    /// <summary>The <c>*_response</c> node as Alipay sent it.</summary>
    public string RawNode { get; init; } = "";

    public bool IsSuccess => Error is null && Data is not null;

    /// <summary>
    /// <c>ACQ.TRADE_NOT_EXIST</c>: Alipay has no such trade, i.e. the buyer never opened the cashier. Acted upon (an
    /// order may be closed for it), so it only counts when signed.
    /// </summary>
    public bool IsTradeNotExist => IsSigned && Error?.SubCode == "ACQ.TRADE_NOT_EXIST";
}

/// <summary>The typed payload of one OpenAPI method's success answer.</summary>
public interface IAlipayResponseData<out TSelf>
{
    static abstract TSelf Read(JsonElement node);
}

/// <summary><c>alipay.trade.query</c>.</summary>
public sealed record AlipayTradeQuery(
    string? TradeNo, string OutTradeNo, string TradeStatus, decimal TotalAmount, DateTimeOffset? SendPayDate,
    string? BuyerId, string? BuyerLogonId) : IAlipayResponseData<AlipayTradeQuery>
{
    public static AlipayTradeQuery Read(JsonElement node) => new(
        node.Text("trade_no"), node.Text("out_trade_no") ?? "", node.Text("trade_status") ?? "", node.Amount("total_amount") ?? 0m,
        node.Time("send_pay_date"), node.Text("buyer_user_id") ?? node.Text("buyer_open_id"), node.Text("buyer_logon_id"));
}

/// <summary><c>alipay.trade.close</c>.</summary>
public sealed record AlipayTradeClose(string? TradeNo, string? OutTradeNo) : IAlipayResponseData<AlipayTradeClose>
{
    public static AlipayTradeClose Read(JsonElement node) => new(node.Text("trade_no"), node.Text("out_trade_no"));
}

/// <summary><c>alipay.trade.refund</c>: <see cref="RefundFee"/> is the trade's refunded total so far.</summary>
public sealed record AlipayTradeRefund(
    string? TradeNo, string? OutTradeNo, decimal RefundFee, bool FundChange, DateTimeOffset? GmtRefundPay) : IAlipayResponseData<AlipayTradeRefund>
{
    public static AlipayTradeRefund Read(JsonElement node) => new(
        node.Text("trade_no"), node.Text("out_trade_no"), node.Amount("refund_fee") ?? 0m, node.Text("fund_change") == "Y",
        node.Time("gmt_refund_pay"));
}

/// <summary>
/// <c>alipay.trade.fastpay.refund.query</c>. Alipay answers 10000 without refund fields for a refund it never
/// received, so <see cref="IsRefunded"/> is the question to ask.
/// </summary>
public sealed record AlipayRefundQuery(
    string? OutTradeNo, string? OutRequestNo, decimal? RefundAmount, string? RefundStatus, decimal? TotalAmount) : IAlipayResponseData<AlipayRefundQuery>
{
    public bool IsRefunded => RefundStatus == "REFUND_SUCCESS" || (RefundStatus is null && RefundAmount is > 0m);

    public static AlipayRefundQuery Read(JsonElement node) => new(
        node.Text("out_trade_no"), node.Text("out_request_no"), node.Amount("refund_amount"), node.Text("refund_status"),
        node.Amount("total_amount"));
}

/// <summary>
/// Reads an OpenAPI answer: finds the <c>*_response</c> node, verifies <c>sign</c> over its raw text exactly as
/// sent (again with <c>\/</c> unescaped, as the official SDKs do), and only then parses it.
/// </summary>
public static class AlipayResponseReader
{
    public static AlipayResponse<T> Read<T>(string method, ReadOnlySpan<byte> body, AlipayCredentials credentials)
        where T : class, IAlipayResponseData<T>
    {
        var nodeName = method.Replace('.', '_') + "_response";
        if (!TryFindNode(body, nodeName, out var node, out var sign, out var alipayCertSn))
        {
            throw new AlipayException(method, $"the answer has no {nodeName}: {Preview(body)}");
        }

        var signed = !string.IsNullOrEmpty(sign);
        if (signed && !KeysFor(method, alipayCertSn, credentials).Any(key => VerifyNode(node, sign!, key, credentials.SignType)))
        {
            throw new AlipayException(method, "the answer's signature does not verify with Alipay's public key; it is not trusted");
        }

        using var document = JsonDocument.Parse(node);
        var root = document.RootElement;
        var code = root.Text("code") ?? "";
        if (code == "10000")
        {
            if (!signed)
            {
                throw new AlipayException(method, "a success answer without a signature; it is not trusted");
            }

            return new AlipayResponse<T> { Data = T.Read(root), IsSigned = true, RawNode = node };
        }

        var error = new AlipayError(code, root.Text("msg") ?? "", root.Text("sub_code"), root.Text("sub_msg"));
        return new AlipayResponse<T> { Error = error, IsSigned = signed, RawNode = node };
    }

    public static bool VerifyNode(string node, string sign, RSA alipayKey, AlipaySignType signType) =>
        AlipaySignature.Verify(node, sign, alipayKey, signType)
        || (node.Contains("\\/", StringComparison.Ordinal)
            && AlipaySignature.Verify(node.Replace("\\/", "/", StringComparison.Ordinal), sign, alipayKey, signType));

    /// <summary>
    /// The keys an answer is checked with: in certificate mode the one of the Alipay certificate its
    /// <c>alipay_cert_sn</c> names (an SN nobody configured is an error that says so); otherwise every key Alipay may
    /// sign with.
    /// </summary>
    private static IEnumerable<RSA> KeysFor(string method, string? alipayCertSn, AlipayCredentials credentials)
    {
        if (credentials.Certificates is not { } certificates || string.IsNullOrEmpty(alipayCertSn))
        {
            return credentials.AlipayPublicKeys;
        }

        return certificates.KeyFor(alipayCertSn) is { } key
            ? [key]
            : throw new AlipayException(method,
                $"the answer is signed with Alipay certificate {alipayCertSn}, which is not configured (Alipay:AlipayPublicCertPath holds " +
                $"{string.Join(", ", certificates.AlipayPublicCertificates.Select(c => c.Sn))}): download the current 支付宝公钥证书 from the open platform and add it");
    }

    /// <summary>
    /// The raw text of <paramref name="nodeName"/> (or of <c>error_response</c>, the gateway's own errors), the
    /// top-level <c>sign</c> and, in certificate mode, <c>alipay_cert_sn</c>. Raw means byte for byte: the signature
    /// covers the text, not a re-serialization.
    /// </summary>
    public static bool TryFindNode(ReadOnlySpan<byte> body, string nodeName, out string node, out string? sign, out string? alipayCertSn)
    {
        node = "";
        sign = null;
        alipayCertSn = null;
        string? errorNode = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                if ((name == nodeName || name == "error_response") && reader.TokenType == JsonTokenType.StartObject)
                {
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    var raw = Encoding.UTF8.GetString(body[start..(int)reader.BytesConsumed]);
                    if (name == nodeName)
                    {
                        node = raw;
                    }
                    else
                    {
                        errorNode = raw;
                    }
                }
                else if (name == "sign" && reader.TokenType == JsonTokenType.String)
                {
                    sign = reader.GetString();
                }
                else if (name == "alipay_cert_sn" && reader.TokenType == JsonTokenType.String)
                {
                    alipayCertSn = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }

        if (node.Length == 0 && errorNode is not null)
        {
            node = errorNode;
        }

        return node.Length > 0;
    }

    private static string Preview(ReadOnlySpan<byte> body) =>
        body.Length == 0 ? "(empty)" : Encoding.UTF8.GetString(body[..Math.Min(body.Length, 200)]);
}

internal static class AlipayJson
{
    public static string? Text(this JsonElement node, string name) =>
        node.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static decimal? Amount(this JsonElement node, string name) =>
        Money.TryParse(node.Text(name), out var amount) ? amount : null;

    public static DateTimeOffset? Time(this JsonElement node, string name) =>
        BeijingTime.TryParseAlipayText(node.Text(name), out var time) ? time : null;
}
