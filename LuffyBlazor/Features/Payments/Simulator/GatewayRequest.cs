using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using LuffyBlazor.Common;
using LuffyBlazor.Features.Payments.Alipay;

namespace LuffyBlazor.Features.Payments.Simulator;

/// <summary>An error as Alipay reports it: <c>code</c>, <c>msg</c>, <c>sub_code</c>, <c>sub_msg</c>.</summary>
public sealed record GatewayError(string Code, string Msg, string SubCode, string SubMsg)
{
    public static GatewayError Missing(string subCode, string what) => new("40001", "Missing Required Arguments", subCode, $"缺少必选参数 {what}");

    public static GatewayError Invalid(string subCode, string subMsg) => new("40002", "Invalid Arguments", subCode, subMsg);

    public static GatewayError Business(string subCode, string subMsg) => new("40004", "Business Failed", subCode, subMsg);
}

/// <summary>
/// One call of <c>gateway.do</c>, with the checks the real gateway makes, in its order: required common parameters,
/// app_id, method, format, charset, sign type, timestamp freshness, signature, then <c>biz_content</c>.
/// </summary>
public sealed partial class GatewayRequest
{
    public static readonly string[] PayMethods = ["alipay.trade.page.pay", "alipay.trade.wap.pay"];

    public static readonly string[] ApiMethods =
        ["alipay.trade.query", "alipay.trade.close", "alipay.trade.refund", "alipay.trade.fastpay.refund.query", AlipayBillDownloadUrl.Method];

    private GatewayRequest(IReadOnlyList<KeyValuePair<string, string>> parameters) => Parameters = parameters;

    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; }

    public string? Method => Get("method");

    public bool IsPayment => Method is { } m && PayMethods.Contains(m);

    public JsonElement Biz { get; private set; }

    public static GatewayRequest Of(IReadOnlyList<KeyValuePair<string, string>> parameters) => new(parameters);

    public string? Get(string key) => Parameters.FirstOrDefault(p => p.Key == key).Value is { Length: > 0 } value ? value : null;

    public string? BizText(string key) =>
        Biz.ValueKind == JsonValueKind.Object && Biz.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The common checks; null when the request may go on.</summary>
    public GatewayError? CheckCommon(string appId, SimulatorSigner signer, DateTimeOffset now, TimeSpan tolerance)
    {
        foreach (var (key, subCode) in new[]
                 {
                     ("app_id", "isv.missing-app-id"), ("method", "isv.missing-method"), ("sign", "isv.missing-signature"),
                     ("sign_type", "isv.missing-signature-type"), ("timestamp", "isv.missing-timestamp"), ("version", "isv.missing-version"),
                 })
        {
            if (Get(key) is null)
            {
                return GatewayError.Missing(subCode, key);
            }
        }

        if (Get("app_id") != appId)
        {
            return GatewayError.Invalid("isv.invalid-app-id", $"无效的AppID参数：{Get("app_id")}");
        }

        if (!PayMethods.Contains(Method) && !ApiMethods.Contains(Method))
        {
            return GatewayError.Invalid("isv.invalid-method", $"不存在的方法名：{Method}");
        }

        if (Get("format") is { } format && !format.Equals("JSON", StringComparison.OrdinalIgnoreCase))
        {
            return GatewayError.Invalid("isv.invalid-format", $"无效的数据格式：{format}");
        }

        if (Get("charset") is { } charset && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return GatewayError.Invalid("isv.invalid-charset", $"字符集不支持：{charset}（模拟网关只接受 utf-8）");
        }

        if (Get("version") != "1.0")
        {
            return GatewayError.Invalid("isv.invalid-version", $"无效的版本号：{Get("version")}");
        }

        if (!AlipaySignature.TryParseSignType(Get("sign_type"), out var signType))
        {
            return GatewayError.Invalid("isv.invalid-signature-type", $"无效的签名类型：{Get("sign_type")}");
        }

        if (!BeijingTime.TryParseAlipayText(Get("timestamp"), out var timestamp) || (timestamp - now).Duration() > tolerance)
        {
            return GatewayError.Invalid("isv.invalid-timestamp", $"非法的时间戳参数：{Get("timestamp")}（须为北京时间 yyyy-MM-dd HH:mm:ss，与当前时间相差不超过 {tolerance.TotalMinutes:0} 分钟）");
        }

        if (signer.Certificates is { } certificates && CheckCertificates(certificates) is { } certificateError)
        {
            return certificateError;
        }

        if (!signer.VerifyRequest(Parameters, signType))
        {
            return GatewayError.Invalid("isv.invalid-signature", "验签出错，请确认应用公钥与应用私钥匹配，且签名字符串按字典序拼接、未做 URL 编码");
        }

        try
        {
            using var document = JsonDocument.Parse(Get("biz_content") ?? "");
            Biz = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return GatewayError.Invalid("isv.invalid-parameter", "biz_content 不是合法的 JSON");
        }

        return Biz.ValueKind == JsonValueKind.Object ? null : GatewayError.Invalid("isv.invalid-parameter", "biz_content 必须是 JSON 对象");
    }

    /// <summary>
    /// Certificate mode: the request names the application certificate the signature is to be checked with and the
    /// root bundle the merchant trusts; Alipay refuses one that names none, or another.
    /// </summary>
    private GatewayError? CheckCertificates(SimulatorCertificateSns certificates)
    {
        if (Get("app_cert_sn") is not { } appCertSn)
        {
            return GatewayError.Missing("isv.missing-app-cert-sn", "app_cert_sn（应用公钥证书序列号，证书模式必填）");
        }

        if (Get("alipay_root_cert_sn") is not { } rootCertSn)
        {
            return GatewayError.Missing("isv.missing-alipay-root-cert-sn", "alipay_root_cert_sn（支付宝根证书序列号，证书模式必填）");
        }

        if (appCertSn != certificates.AppCertSn)
        {
            return GatewayError.Invalid("isv.app-cert-not-exist", $"应用公钥证书不存在：app_cert_sn {appCertSn} 不是本应用的证书（应为 {certificates.AppCertSn}）");
        }

        return rootCertSn == certificates.AlipayRootCertSn
            ? null
            : GatewayError.Invalid("isv.invalid-alipay-root-cert-sn", $"无效的支付宝根证书序列号：{rootCertSn}（应为 {certificates.AlipayRootCertSn}）");
    }

    /// <summary>The business checks of a page or wap pay's biz_content; yields the parsed fields when they pass.</summary>
    public GatewayError? CheckPayment(DateTimeOffset now, out decimal amount, out DateTimeOffset? timeExpire)
    {
        amount = 0;
        timeExpire = null;
        var expectedProduct = Method == "alipay.trade.wap.pay" ? AlipayBizContent.WapPayProduct : AlipayBizContent.PagePayProduct;
        if (BizText("product_code") != expectedProduct)
        {
            return GatewayError.Business("ACQ.INVALID_PARAMETER", $"product_code 须为 {expectedProduct}（{Method}）");
        }

        if (Method == "alipay.trade.wap.pay" && !Uri.TryCreate(BizText("quit_url"), UriKind.Absolute, out _))
        {
            return GatewayError.Business("ACQ.INVALID_PARAMETER", "quit_url 不能为空，须为绝对地址（alipay.trade.wap.pay：用户中途退出时返回商户的页面）");
        }

        if (BizText("out_trade_no") is not { } outTradeNo || !TradeNumber().IsMatch(outTradeNo))
        {
            return GatewayError.Business("ACQ.INVALID_PARAMETER", "out_trade_no 须为 1 到 64 位字母、数字或下划线");
        }

        if (string.IsNullOrWhiteSpace(BizText("subject")) || BizText("subject")!.Length > 256)
        {
            return GatewayError.Business("ACQ.INVALID_PARAMETER", "subject 不能为空，且不超过 256 个字符");
        }

        var amountText = BizText("total_amount");
        if (amountText is null || !AmountFormat().IsMatch(amountText)
            || !decimal.TryParse(amountText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount))
        {
            return GatewayError.Business("ACQ.INVALID_PARAMETER", $"total_amount 格式错误：{amountText}（须为字符串，单位元，最多两位小数）");
        }

        if (amount < AlipayBizContent.MinAmount || amount > AlipayBizContent.MaxAmount)
        {
            return GatewayError.Business("ACQ.TOTAL_FEE_EXCEED", $"订单金额 {amountText} 超出范围 [0.01, 100000000]");
        }

        if (BizText("time_expire") is { } expireText)
        {
            if (!BeijingTime.TryParseAlipayText(expireText, out var expire))
            {
                return GatewayError.Business("ACQ.INVALID_PARAMETER", $"time_expire 格式错误：{expireText}");
            }

            if (expire <= now)
            {
                return GatewayError.Business("ACQ.TRADE_HAS_CLOSE", $"交易已超过 time_expire（{expireText}），已关闭");
            }

            timeExpire = expire;
        }

        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9_]{1,64}$")]
    private static partial Regex TradeNumber();

    [GeneratedRegex(@"^\d{1,9}(\.\d{1,2})?$")]
    private static partial Regex AmountFormat();
}
