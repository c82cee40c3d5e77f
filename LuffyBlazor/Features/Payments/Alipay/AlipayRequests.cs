using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using LuffyBlazor.Common;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Payments.Alipay;

/// <summary>
/// What a cashier page needs to take one payment. <paramref name="QuitUrl"/> is where the phone cashier
/// (<c>alipay.trade.wap.pay</c>, for which Alipay requires it) sends a buyer who gives up; page pay has none.
/// </summary>
public sealed record AlipayTradeRequest(
    string OutTradeNo, decimal TotalAmount, string Subject, DateTimeOffset TimeExpire, string NotifyUrl, string ReturnUrl, string? QuitUrl = null);

public sealed record AlipayRefundRequest(string OutTradeNo, decimal RefundAmount, string OutRequestNo, string? Reason);

/// <summary>
/// <c>biz_content</c> of the requests the app sends: compact JSON, amounts as "0.00", times in Beijing time.
/// Refuses what Alipay would refuse, with a message, before anything is signed.
/// </summary>
public static class AlipayBizContent
{
    public const string PagePayProduct = "FAST_INSTANT_TRADE_PAY";
    public const string WapPayProduct = "QUICK_WAP_WAY";
    public const decimal MinAmount = 0.01m;
    public const decimal MaxAmount = 100_000_000.00m;
    public const int MaxSubjectLength = 256;

    // Non-ASCII stays readable (as the official Node SDK writes it); the text is URL- or HTML-encoded afterwards.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string PagePay(AlipayTradeRequest request) => Pay(request, PagePayProduct, quitUrl: null);

    public static string WapPay(AlipayTradeRequest request) => Pay(request, WapPayProduct, string.IsNullOrWhiteSpace(request.QuitUrl)
        ? throw new ArgumentException("alipay.trade.wap.pay needs quit_url: where the phone cashier sends a buyer who gives up.", nameof(request))
        : request.QuitUrl);

    public static string Query(string outTradeNo) => Write(w => w.WriteString("out_trade_no", RequireTradeNo(outTradeNo)));

    public static string Close(string outTradeNo) => Query(outTradeNo);

    public static string Refund(AlipayRefundRequest request) => Write(w =>
    {
        w.WriteString("out_trade_no", RequireTradeNo(request.OutTradeNo));
        w.WriteString("refund_amount", FormatAmount(request.RefundAmount));
        w.WriteString("out_request_no", RequireTradeNo(request.OutRequestNo));
        if (TryCleanSubject(request.Reason, out var reason))
        {
            w.WriteString("refund_reason", reason);
        }
    });

    public static string RefundQuery(string outTradeNo, string outRequestNo) => Write(w =>
    {
        w.WriteString("out_trade_no", RequireTradeNo(outTradeNo));
        w.WriteString("out_request_no", RequireTradeNo(outRequestNo));
    });

    /// <summary>"99.00" (invariant culture) for 0.01 to 100000000.00 yuan in whole fen; anything else is refused.</summary>
    public static string FormatAmount(decimal amount)
    {
        if (amount < MinAmount || amount > MaxAmount || !Money.HasFenPrecision(amount))
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "Alipay amounts are 0.01 to 100000000.00 yuan, in whole fen.");
        }

        return Money.Format(amount);
    }

    /// <summary>
    /// A subject Alipay accepts: no '/', '=', '&amp;' (Alipay's documented exclusions), no control or format characters
    /// (zero-width joiners, direction marks), no characters outside the Basic Multilingual Plane (emoji) except CJK
    /// ideographs (rare characters in names, in Extension B and later) and no variation selectors left over from them,
    /// whitespace collapsed, and at most 256 UTF-16 characters cut between whole text elements (a letter and its
    /// accents, a surrogate pair: never half of one). Throws when nothing is left; <see cref="TryCleanSubject"/> asks.
    /// </summary>
    public static string CleanSubject(string subject) => TryCleanSubject(subject, out var cleaned)
        ? cleaned
        : throw new ArgumentException("The subject is empty once the characters Alipay refuses are removed.", nameof(subject));

    /// <summary><see cref="CleanSubject"/>, false when nothing Alipay accepts is left (<c>///</c>, emoji only, blank).</summary>
    public static bool TryCleanSubject(string? subject, out string cleaned)
    {
        var kept = new StringBuilder(Math.Min(subject?.Length ?? 0, MaxSubjectLength * 2));
        var pendingSpace = false;
        var rest = (subject ?? "").AsSpan();
        while (!rest.IsEmpty)
        {
            var status = Rune.DecodeFromUtf16(rest, out var rune, out var consumed);
            rest = rest[consumed..];
            if (status != OperationStatus.Done)
            {
                continue; // an unpaired surrogate
            }

            if (Rune.IsWhiteSpace(rune) || rune.Value is '/' or '=' or '&')
            {
                pendingSpace = kept.Length > 0;
                continue;
            }

            if (!IsAccepted(rune))
            {
                continue;
            }

            if (pendingSpace)
            {
                kept.Append(' ');
                pendingSpace = false;
            }

            kept.Append(rune.ToString());
        }

        cleaned = TextElements.Fit(kept.ToString(), MaxSubjectLength);
        return cleaned.Length > 0;
    }

    private static bool IsAccepted(Rune rune) =>
        !Rune.IsControl(rune)
        && Rune.GetUnicodeCategory(rune) != UnicodeCategory.Format
        && rune.Value is not (>= 0xFE00 and <= 0xFE0F) // variation selectors (of a removed emoji)
        && (rune.IsBmp || IsSupplementaryCjkIdeograph(rune));

    /// <summary>Planes 2 and 3 (U+20000–U+3FFFF) hold only CJK ideographs: Extensions B to H and compatibility supplements.</summary>
    private static bool IsSupplementaryCjkIdeograph(Rune rune) => rune.Value is >= 0x20000 and <= 0x3FFFF;

    private static string Pay(AlipayTradeRequest request, string productCode, string? quitUrl) => Write(w =>
    {
        w.WriteString("out_trade_no", RequireTradeNo(request.OutTradeNo));
        w.WriteString("total_amount", FormatAmount(request.TotalAmount));
        w.WriteString("subject", CleanSubject(request.Subject));
        w.WriteString("product_code", productCode);
        w.WriteString("time_expire", request.TimeExpire.ToAlipayText());
        if (quitUrl is not null)
        {
            w.WriteString("quit_url", quitUrl);
        }
    });

    private static string RequireTradeNo(string value) =>
        value is { Length: > 0 and <= 64 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            ? value
            : throw new ArgumentException($"'{value}' is not an Alipay trade number (1-64 of A-Z a-z 0-9 _).", nameof(value));

    private static string Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

/// <summary>
/// Adds the common parameters to a request and signs it with the application private key. Its outputs are the
/// two ways a browser is sent to the cashier: a GET URL (<c>gateway?query</c>, as python-alipay-sdk builds it) and
/// an auto-submitting POST form.
/// </summary>
public sealed class AlipayRequestSigner(AlipayCredentials credentials, IOptions<AlipayOptions> options, TimeProvider clock)
{
    /// <summary>The signed parameters, sorted by key, <c>sign</c> last.</summary>
    public List<KeyValuePair<string, string>> Sign(string method, string bizContent, string? notifyUrl = null, string? returnUrl = null)
    {
        var parameters = new List<KeyValuePair<string, string>>(14);
        if (credentials.Certificates is { } certificates)
        {
            // Certificate mode: which application certificate and root bundle the signature is to be checked with.
            parameters.Add(new("alipay_root_cert_sn", certificates.AlipayRootCertSn));
            parameters.Add(new("app_cert_sn", certificates.AppCertSn));
        }

        parameters.AddRange(
        [
            new("app_id", options.Value.AppId),
            new("biz_content", bizContent),
            new("charset", "utf-8"),
            new("format", "JSON"),
            new("method", method),
        ]);
        if (!string.IsNullOrEmpty(notifyUrl))
        {
            parameters.Add(new("notify_url", notifyUrl));
        }

        if (!string.IsNullOrEmpty(returnUrl))
        {
            parameters.Add(new("return_url", returnUrl));
        }

        parameters.Add(new("sign_type", credentials.SignType.ToString()));
        parameters.Add(new("timestamp", clock.GetUtcNow().ToAlipayText()));
        parameters.Add(new("version", "1.0"));

        var content = AlipaySignature.BuildSignContent(parameters, keepSignType: true);
        parameters.Add(new("sign", AlipaySignature.Sign(content, credentials.AppPrivateKey, credentials.SignType)));
        return parameters;
    }

    /// <summary><c>gateway?k=v&amp;...</c> with every value URL-encoded (UTF-8).</summary>
    public static string ToUrl(string gateway, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var url = new StringBuilder(gateway.Length + 1024).Append(gateway).Append(gateway.Contains('?') ? '&' : '?');
        for (var i = 0; i < parameters.Count; i++)
        {
            if (i > 0)
            {
                url.Append('&');
            }

            url.Append(Uri.EscapeDataString(parameters[i].Key)).Append('=').Append(Uri.EscapeDataString(parameters[i].Value));
        }

        return url.ToString();
    }

    /// <summary>
    /// An HTML form that posts the parameters to the gateway as soon as it is shown (with a button for browsers
    /// that run no script). Every value is HTML-encoded.
    /// </summary>
    public static string ToAutoSubmitForm(string gateway, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var html = new StringBuilder(2048);
        html.Append("<form id=\"alipaysubmit\" name=\"alipaysubmit\" action=\"")
            .Append(WebUtility.HtmlEncode(gateway + (gateway.Contains('?') ? "&" : "?") + "charset=utf-8"))
            .Append("\" method=\"POST\" accept-charset=\"utf-8\">\n");
        foreach (var (key, value) in parameters)
        {
            html.Append("<input type=\"hidden\" name=\"").Append(WebUtility.HtmlEncode(key))
                .Append("\" value=\"").Append(WebUtility.HtmlEncode(value)).Append("\"/>\n");
        }

        html.Append("<noscript><button type=\"submit\">前往支付宝付款</button></noscript>\n</form>\n")
            .Append("<script>document.forms['alipaysubmit'].submit();</script>");
        return html.ToString();
    }
}
