using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Payments.Alipay;

/// <summary>
/// Cross-checks with the official Node SDK (npm alipay-sdk 4.14.0, test-support/node/alipay-peer.mjs): what we sign
/// verifies there, and what it signs verifies here.
/// </summary>
public sealed class AlipayInteropTests
{
    private static readonly AlipayCredentials Credentials = AlipayTestKeys.Credentials();
    private static readonly string AppPrivatePem = AlipayTestKeys.Pem(AlipayTestKeys.AppPrivateKeyPath);
    private static readonly string AppPublicPem = AlipayTestKeys.Pem(AlipayTestKeys.AppPublicKeyPath);
    private static readonly string AlipayPrivatePem = AlipayTestKeys.Pem(AlipayTestKeys.AlipayPrivateKeyPath);
    private static readonly string AlipayPublicPem = AlipayTestKeys.Pem(AlipayTestKeys.AlipayPublicKeyPath);

    private static string OurPagePayUrl(string subject = "路飞学城-Go 语言+C++ 实战 \"进阶\"") =>
        OurPagePayUrl(Credentials, AlipayTestKeys.Options(), TimeProvider.System, subject);

    private static string OurPagePayUrl(AlipayCredentials credentials, AlipayOptions alipay, TimeProvider clock, string subject = "路飞学城-Go 语言+C++ 实战 \"进阶\"")
    {
        var options = Options.Create(alipay);
        options.Value.Gateway = AlipayOptions.SandboxGateway;
        var client = new AlipayClient(new HttpClient(), new AlipayRequestSigner(credentials, options, clock), new AlipayGateway(options), credentials);
        return client.BuildPagePayUrl(new AlipayTradeRequest(
            "20261125163005A1B2C3D4E5F60718293A4B5C", 198.00m, subject, DateTimeOffset.UtcNow.AddMinutes(15),
            "https://luffy.example.com/api/v1/order/success/?from=alipay&x=a+b", "https://luffy.example.com/pay/success"));
    }

    private static Dictionary<string, string> QueryOf(string url) =>
        QueryHelpers.ParseQuery(new Uri(url).Query).ToDictionary(q => q.Key, q => q.Value.ToString());

    [Fact]
    public async Task A_page_pay_url_we_sign_verifies_in_the_official_sdk()
    {
        var url = OurPagePayUrl();

        var result = await NodePeer.AlipayAsync(new { cmd = "check-url", url, appPublicKey = AppPublicPem });

        Assert.True(result.GetProperty("valid").GetBoolean(), result.ToString());
        Assert.Equal(AlipaySignature.BuildSignContent(QueryOf(url), keepSignType: true), result.GetProperty("signContent").GetString());
    }

    [Fact]
    public async Task The_official_sdk_signs_the_same_parameters_to_the_same_signature()
    {
        var query = QueryOf(OurPagePayUrl());
        var ours = query["sign"];
        query.Remove("sign");

        var result = await NodePeer.AlipayAsync(new { cmd = "sign-params", @params = query, privateKey = AppPrivatePem });

        Assert.Empty(result.GetProperty("changed").EnumerateArray());
        Assert.Equal(ours, result.GetProperty("sign").GetString());
    }

    [Fact]
    public async Task A_page_pay_url_the_official_sdk_makes_verifies_here()
    {
        var result = await NodePeer.AlipayAsync(new
        {
            cmd = "page-url",
            appId = AlipayTestKeys.AppId,
            privateKey = AppPrivatePem,
            gateway = AlipayOptions.SandboxGateway,
            method = "alipay.trade.page.pay",
            bizContent = new { out_trade_no = "T20261125", total_amount = "0.01", subject = "路飞 a+b&c=d/e", product_code = "FAST_INSTANT_TRADE_PAY" },
            notifyUrl = "https://luffy.example.com/notify?a=1&b=c d",
            returnUrl = "https://luffy.example.com/pay/success",
        });
        var query = QueryOf(result.GetProperty("url").GetString()!);

        Assert.True(AlipaySignature.Verify(AlipaySignature.BuildSignContent(query, keepSignType: true), query["sign"], AlipayTestKeys.AppPublicKey));
        Assert.Contains("路飞 a+b&c=d/e", query["biz_content"]);
    }

    [Fact]
    public async Task A_notify_signed_with_the_official_sdks_primitive_verifies_here()
    {
        var fields = NotifyForms.Paid("20261125163005A1B2C3D4E5F60718293A4B5C", 198.00m);
        fields["subject"] = "路飞学城-Go 语言 & Linux=运维+实战";

        var result = await NodePeer.AlipayAsync(new { cmd = "sign-notify", @params = fields, privateKey = AlipayPrivatePem });
        var form = result.GetProperty("params").EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetString()!)).ToList();
        var verdict = new AlipayCallbacks(Credentials).VerifyNotify(form);

        Assert.True(verdict.IsValid, verdict.Reason);
        Assert.Equal(198.00m, verdict.Notification!.TotalAmount);
    }

    [Fact]
    public async Task A_notify_with_an_empty_value_signed_as_the_official_sdk_verifies_it_is_valid_here_and_there()
    {
        var fields = NotifyForms.Paid("20261125163005A1B2C3D4E5F60718293A4B5C", 198.00m);
        fields["passback_params"] = "";
        fields["body"] = "";

        var result = await NodePeer.AlipayAsync(new { cmd = "sign-notify", @params = fields, privateKey = AlipayPrivatePem, alipayPublicKey = AlipayPublicPem });
        var form = result.GetProperty("params").EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetString()!)).ToList();
        var verdict = new AlipayCallbacks(Credentials).VerifyNotify(form);

        Assert.Contains("&passback_params=&", result.GetProperty("signContent").GetString());
        Assert.True(result.GetProperty("sdkValid").GetBoolean(), result.ToString());
        Assert.True(verdict.IsValid, verdict.Reason);
        Assert.Equal(AlipaySignature.BuildCallbackSignContent(form, keepSignType: false), result.GetProperty("signContent").GetString());
    }

    [Fact]
    public async Task A_notify_signed_without_its_empty_values_is_refused_here_as_by_the_official_sdk()
    {
        var fields = NotifyForms.Paid("20261125163005A1B2C3D4E5F60718293A4B5C", 198.00m);
        fields["passback_params"] = "";

        var result = await NodePeer.AlipayAsync(new { cmd = "sign-notify", @params = fields, privateKey = AlipayPrivatePem, alipayPublicKey = AlipayPublicPem, dropEmpty = true });
        var form = result.GetProperty("params").EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetString()!)).ToList();

        Assert.False(result.GetProperty("sdkValid").GetBoolean());
        Assert.False(new AlipayCallbacks(Credentials).VerifyNotify(form).IsValid);
    }

    [Fact]
    public async Task A_notify_we_sign_as_alipay_verifies_in_the_official_sdks_check_notify_sign()
    {
        var form = NotifyForms.Paid("20261125163005A1B2C3D4E5F60718293A4B5C", 0.01m).Signed();

        var good = await NodePeer.AlipayAsync(new { cmd = "check-notify", @params = form, alipayPublicKey = AlipayPublicPem });
        form["total_amount"] = "100.00";
        var tampered = await NodePeer.AlipayAsync(new { cmd = "check-notify", @params = form, alipayPublicKey = AlipayPublicPem });

        Assert.True(good.GetProperty("valid").GetBoolean(), good.ToString());
        Assert.False(tampered.GetProperty("valid").GetBoolean());
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task A_response_the_official_sdk_signs_verifies_here(bool escapeSlashes, bool signUnescaped)
    {
        var payload = new Dictionary<string, string>
        {
            ["code"] = "10000", ["msg"] = "Success", ["out_trade_no"] = "T20261125", ["trade_no"] = "2026112522001446870500012345",
            ["trade_status"] = "TRADE_SUCCESS", ["total_amount"] = "99.00", ["send_pay_date"] = "2026-11-25 16:31:10",
            ["buyer_logon_id"] = "lea***@example.com", ["subject"] = "路飞/学城 https://www.luffycity.com",
        };

        var result = await NodePeer.AlipayAsync(new { cmd = "sign-response", method = "alipay.trade.query", privateKey = AlipayPrivatePem, payload, escapeSlashes, signUnescaped });
        var response = AlipayResponseReader.Read<AlipayTradeQuery>("alipay.trade.query", Encoding.UTF8.GetBytes(result.GetProperty("body").GetString()!), Credentials);

        Assert.True(response.IsSuccess);
        Assert.Equal(99.00m, response.Data!.TotalAmount);
    }

    [Fact]
    public async Task A_response_signed_like_ours_verifies_in_the_official_sdk()
    {
        var node = JsonSerializer.Serialize(new { code = "10000", msg = "Success", out_trade_no = "T20261125", trade_status = "TRADE_CLOSED", total_amount = "1.00" });
        var body = FakeAlipayGateway.SignedBody("alipay.trade.query", node);

        var result = await NodePeer.AlipayAsync(new { cmd = "check-response", body, method = "alipay.trade.query", alipayPublicKey = AlipayPublicPem });

        Assert.True(result.GetProperty("valid").GetBoolean(), result.ToString());
    }

    // Certificate mode: the same openssl-made chain given to the official SDK's constructor and to ours.

    private static readonly TestCertificateChain Chain = TestCertificateChain.Shared;

    private static object Certs => new
    {
        appCertPath = Chain.AppCertPath,
        alipayPublicCertPath = Chain.AlipayPublicCertPath,
        alipayRootCertPath = Chain.AlipayRootCertPath,
    };

    [Fact]
    public async Task The_official_sdk_computes_the_same_three_sns_and_alipays_key_from_the_same_certificate_files()
    {
        using var ours = Chain.Credentials();

        var result = await NodePeer.AlipayAsync(new { cmd = "cert-sn", certs = Certs });

        Assert.Equal(ours.Certificates!.AppCertSn, result.GetProperty("appCertSn").GetString());
        Assert.Equal(ours.Certificates.AlipayPublicCertificates[0].Sn, result.GetProperty("alipayCertSn").GetString());
        Assert.Equal(ours.Certificates.AlipayRootCertSn, result.GetProperty("alipayRootCertSn").GetString());
        using var theirs = RSA.Create();
        theirs.ImportFromPem(result.GetProperty("alipayPublicKey").GetString());
        Assert.True(AlipayKeys.ArePair(AlipayTestKeys.AlipayPrivateKey, theirs));
    }

    [Fact]
    public async Task The_official_sdk_agrees_on_odd_issuers_and_on_alipays_production_root_bundle()
    {
        string[] files = [Chain.OddCertPath, Chain.PathOf("odd-ca.crt"), Chain.PathOf("root-e1.crt"), Chain.NextAlipayPublicCertPath];
        var production = AlipayTestKeys.Path("alipay_root_cert_production.crt");

        var result = await NodePeer.AlipayAsync(new
        {
            cmd = "cert-sn",
            files = files.Select(path => new { path, root = false }).Append(new { path = production, root = true }),
        });

        var ours = files.Select(path => AlipayCertificates.CertSn(AlipayCertificates.ReadPem(File.ReadAllText(path), "test")[0]))
            .Append(AlipayCertificates.RootCertSn(AlipayCertificates.ReadPem(File.ReadAllText(production), "test")));
        Assert.Equal(ours, result.GetProperty("files").EnumerateArray().Select(sn => sn.GetString()));
    }

    [Fact]
    public async Task In_certificate_mode_our_page_pay_url_and_the_official_sdks_carry_the_same_parameters_and_signature()
    {
        using var credentials = Chain.Credentials();
        var ours = QueryOf(OurPagePayUrl(credentials, Chain.Options(), new FakeTimeProvider(DateTimeOffset.UtcNow)));

        var result = await NodePeer.AlipayAsync(new
        {
            cmd = "page-url",
            appId = AlipayTestKeys.AppId,
            privateKey = AppPrivatePem,
            gateway = AlipayOptions.SandboxGateway,
            certs = Certs,
            withoutSdkParam = true,
            method = ours["method"],
            bizContent = JsonDocument.Parse(ours["biz_content"]).RootElement,
            notifyUrl = ours["notify_url"],
            returnUrl = ours["return_url"],
            extraParams = new { timestamp = ours["timestamp"], format = ours["format"] },
        });
        var theirs = QueryOf(result.GetProperty("url").GetString()!);

        Assert.Equal(ours.OrderBy(p => p.Key, StringComparer.Ordinal), theirs.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(credentials.Certificates!.AppCertSn, theirs["app_cert_sn"]);
    }

    [Fact]
    public async Task The_official_sdk_in_certificate_mode_signs_our_parameters_to_the_same_signature()
    {
        using var credentials = Chain.Credentials();
        var query = QueryOf(OurPagePayUrl(credentials, Chain.Options(), TimeProvider.System));
        var ours = query["sign"];
        query.Remove("sign");

        var result = await NodePeer.AlipayAsync(new { cmd = "sign-params", @params = query, privateKey = AppPrivatePem, certs = Certs });

        Assert.Empty(result.GetProperty("changed").EnumerateArray());
        Assert.Equal(ours, result.GetProperty("sign").GetString());
    }

    [Fact]
    public async Task A_notify_and_an_answer_signed_with_alipays_certified_key_verify_in_the_official_sdk_in_certificate_mode()
    {
        using var credentials = Chain.Credentials();
        var form = NotifyForms.Paid("20261125163005A1B2C3D4E5F60718293A4B5C", 0.01m).Signed();
        const string node = "{\"code\":\"10000\",\"msg\":\"Success\",\"out_trade_no\":\"T20261125\",\"trade_status\":\"TRADE_CLOSED\",\"total_amount\":\"1.00\"}";
        var body = $"{{\"alipay_trade_query_response\":{node},\"alipay_cert_sn\":\"{credentials.Certificates!.AlipayPublicCertificates[0].Sn}\",\"sign\":\"{AlipaySignature.Sign(node, AlipayTestKeys.AlipayPrivateKey)}\"}}";

        var notify = await NodePeer.AlipayAsync(new { cmd = "check-notify", @params = form, certs = Certs });
        var answer = await NodePeer.AlipayAsync(new { cmd = "check-response", body, method = "alipay.trade.query", certs = Certs });

        Assert.True(notify.GetProperty("valid").GetBoolean(), notify.ToString());
        Assert.True(answer.GetProperty("valid").GetBoolean(), answer.ToString());
        Assert.True(AlipayResponseReader.Read<AlipayTradeQuery>("alipay.trade.query", Encoding.UTF8.GetBytes(body), credentials).IsSigned);
    }
}
