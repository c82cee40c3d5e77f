using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Payments.Alipay;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Bench;

/// <summary>
/// Our Alipay code next to its ceiling, measured in one run: raw RSA-2048 SHA256 PKCS#1 sign and verify are what
/// building a signed URL and verifying a notify can at best approach.
/// </summary>
[MemoryDiagnoser]
public class AlipayBenchmarks
{
    private AlipayClient client = null!;
    private AlipayCallbacks callbacks = null!;
    private AlipayCredentials credentials = null!;
    private AlipayTradeRequest pagePay = null!;
    private List<KeyValuePair<string, string>> notify = null!;
    private byte[] responseBody = null!;
    private byte[] signContent = null!;
    private byte[] notifyContent = null!;
    private byte[] notifySignature = null!;

    [GlobalSetup]
    public void Setup()
    {
        using var app = RSA.Create(2048);
        using var alipay = RSA.Create(2048);
        var options = new AlipayOptions
        {
            AppId = "2021000000000042",
            AppPrivateKey = app.ExportPkcs8PrivateKeyPem(),
            AlipayPublicKey = alipay.ExportSubjectPublicKeyInfoPem(),
            Gateway = AlipayOptions.SandboxGateway,
        };
        credentials = AlipayCredentials.Load(options, AppContext.BaseDirectory);
        var wrapped = Options.Create(options);
        client = new AlipayClient(new HttpClient(), new AlipayRequestSigner(credentials, wrapped, TimeProvider.System), new AlipayGateway(wrapped), credentials);
        callbacks = new AlipayCallbacks(credentials);
        pagePay = new AlipayTradeRequest(
            "20261125163005A1B2C3D4E5F60718293A4B5C", 198.00m, "路飞学城-Python 全栈开发", DateTimeOffset.UtcNow.AddMinutes(15),
            "https://luffy.example.com/api/v1/order/success/", "https://luffy.example.com/pay/success");

        var alipayKey = RSA.Create();
        alipayKey.ImportFromPem(alipay.ExportPkcs8PrivateKeyPem());
        notify = SampleNotify();
        var content = AlipaySignature.BuildCallbackSignContent(notify, keepSignType: false);
        notify.Add(new("sign", AlipaySignature.Sign(content, alipayKey)));
        notifyContent = Encoding.UTF8.GetBytes(content);
        notifySignature = Convert.FromBase64String(notify[^1].Value);

        const string node = "{\"code\":\"10000\",\"msg\":\"Success\",\"buyer_logon_id\":\"lea***@example.com\",\"buyer_pay_amount\":\"198.00\"," +
                            "\"buyer_user_id\":\"2088102177846875\",\"invoice_amount\":\"198.00\",\"out_trade_no\":\"20261125163005A1B2C3D4E5F60718293A4B5C\"," +
                            "\"point_amount\":\"0.00\",\"receipt_amount\":\"198.00\",\"send_pay_date\":\"2026-11-25 16:31:10\",\"total_amount\":\"198.00\"," +
                            "\"trade_no\":\"2026112522001446870500012345\",\"trade_status\":\"TRADE_SUCCESS\"}";
        responseBody = Encoding.UTF8.GetBytes($"{{\"alipay_trade_query_response\":{node},\"sign\":\"{AlipaySignature.Sign(node, alipayKey)}\"}}");

        // The ceiling signs what a page-pay URL signs: the same length of text.
        var sample = client.BuildPagePayUrl(pagePay);
        signContent = Encoding.UTF8.GetBytes(Uri.UnescapeDataString(sample[(sample.IndexOf('?') + 1)..sample.IndexOf("&sign=", StringComparison.Ordinal)]));
    }

    [Benchmark(Description = "raw RSA sign (ceiling)")]
    public byte[] RawSign() => credentials.AppPrivateKey.SignData(signContent, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    [Benchmark(Description = "signed page-pay URL")]
    public string PagePayUrl() => client.BuildPagePayUrl(pagePay);

    [Benchmark(Description = "raw RSA verify (ceiling)")]
    public bool RawVerify() => credentials.AlipayPublicKey.VerifyData(notifyContent, notifySignature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    [Benchmark(Description = "notify verification")]
    public bool VerifyNotify() => callbacks.VerifyNotify(notify).IsValid;

    [Benchmark(Description = "OpenAPI response verification")]
    public bool VerifyResponse() => AlipayResponseReader.Read<AlipayTradeQuery>("alipay.trade.query", responseBody, credentials).IsSuccess;

    [Benchmark(Description = "out_trade_no")]
    public string OutTradeNo() => OrderNumbers.New(TimeProvider.System);

    /// <summary>A trade_status_sync notify as Alipay posts it: 22 fields.</summary>
    public static List<KeyValuePair<string, string>> SampleNotify() =>
    [
        new("gmt_create", "2026-11-25 16:30:40"), new("charset", "utf-8"), new("gmt_payment", "2026-11-25 16:31:10"),
        new("notify_time", "2026-11-25 16:31:11"), new("subject", "路飞学城-Python 全栈开发"), new("sign_type", "RSA2"),
        new("buyer_id", "2088102177846875"), new("invoice_amount", "198.00"), new("version", "1.0"),
        new("notify_id", "2026112500222163111046870512345678"), new("fund_bill_list", "[{\"amount\":\"198.00\",\"fundChannel\":\"ALIPAYACCOUNT\"}]"),
        new("notify_type", "trade_status_sync"), new("out_trade_no", "20261125163005A1B2C3D4E5F60718293A4B5C"), new("total_amount", "198.00"),
        new("trade_status", "TRADE_SUCCESS"), new("trade_no", "2026112522001446870500012345"), new("auth_app_id", "2021000000000042"),
        new("receipt_amount", "198.00"), new("point_amount", "0.00"), new("app_id", "2021000000000042"),
        new("buyer_pay_amount", "198.00"), new("seller_id", "2088102177649450"),
    ];
}
