using System.Security.Cryptography;
using System.Text;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Payments.Alipay;

/// <summary>
/// Certificate mode end to end within the protocol: loading and checking the three certificates, the SNs every
/// request carries, and answers and notifies verified with the Alipay certificate they name (or any configured one).
/// </summary>
public sealed class AlipayCertificateModeTests
{
    private static readonly TestCertificateChain Chain = TestCertificateChain.Shared;
    private static readonly RSA NextAlipayKey = LoadKey(Chain.NextAlipayPrivateKeyPath);

    private static RSA LoadKey(string path)
    {
        var key = RSA.Create();
        key.ImportFromPem(File.ReadAllText(path));
        return key;
    }

    private static string Sn(string certificatePath) =>
        AlipayCertificates.CertSn(AlipayCertificates.ReadPem(File.ReadAllText(certificatePath), "test")[0]);

    private static string Both => Chain.AlipayPublicCertPath + ";" + Chain.NextAlipayPublicCertPath;

    private static string Error(AlipayOptions options, TimeProvider? clock = null) =>
        Assert.Throws<AlipayKeyException>(() => AlipayCredentials.Load(options, AppContext.BaseDirectory, clock)).Message;

    /// <summary>An answer as Alipay sends it in certificate mode: the node, the certificate's SN, the signature.</summary>
    private static string Answer(string node, string alipayCertSn, RSA key) =>
        $"{{\"alipay_trade_query_response\":{node},\"alipay_cert_sn\":\"{alipayCertSn}\",\"sign\":\"{AlipaySignature.Sign(node, key)}\"}}";

    private const string Node = "{\"code\":\"10000\",\"msg\":\"Success\",\"out_trade_no\":\"T1\",\"trade_status\":\"TRADE_SUCCESS\",\"total_amount\":\"9.90\"}";

    private static AlipayResponse<AlipayTradeQuery> Read(string body, AlipayCredentials credentials) =>
        AlipayResponseReader.Read<AlipayTradeQuery>("alipay.trade.query", Encoding.UTF8.GetBytes(body), credentials);

    [Fact]
    public void The_three_certificates_give_the_sns_and_alipays_key_comes_from_its_certificate()
    {
        using var credentials = Chain.Credentials();

        var certificates = credentials.Certificates!;
        Assert.Equal(Sn(Chain.AppCertPath), certificates.AppCertSn);
        Assert.Equal(AlipayCertificates.RootCertSn(AlipayCertificates.ReadPem(File.ReadAllText(Chain.AlipayRootCertPath), "test")), certificates.AlipayRootCertSn);
        Assert.Equal([Sn(Chain.AlipayPublicCertPath)], certificates.AlipayPublicCertificates.Select(c => c.Sn));
        Assert.True(AlipayKeys.ArePair(AlipayTestKeys.AlipayPrivateKey, credentials.AlipayPublicKey));
    }

    [Fact]
    public void Every_request_carries_the_app_cert_sn_and_the_root_sn_under_the_signature()
    {
        using var credentials = Chain.Credentials();
        var signer = new AlipayRequestSigner(credentials, Options.Create(Chain.Options()), TimeProvider.System);

        var parameters = signer.Sign("alipay.trade.query", "{\"out_trade_no\":\"T1\"}");

        var named = parameters.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(credentials.Certificates!.AppCertSn, named["app_cert_sn"]);
        Assert.Equal(credentials.Certificates.AlipayRootCertSn, named["alipay_root_cert_sn"]);
        Assert.Equal(parameters.Select(p => p.Key).SkipLast(1).Order(StringComparer.Ordinal), parameters.Select(p => p.Key).SkipLast(1));
        Assert.True(AlipaySignature.Verify(AlipaySignature.BuildSignContent(parameters, keepSignType: true), named["sign"], AlipayTestKeys.AppPublicKey));
    }

    [Fact]
    public void While_alipay_rotates_its_certificate_answers_signed_with_either_one_verify()
    {
        using var credentials = Chain.Credentials(Both);

        var old = Read(Answer(Node, Sn(Chain.AlipayPublicCertPath), AlipayTestKeys.AlipayPrivateKey), credentials);
        var next = Read(Answer(Node, Sn(Chain.NextAlipayPublicCertPath), NextAlipayKey), credentials);

        Assert.True(old.IsSuccess && next.IsSuccess);
        Assert.Equal(2, credentials.Certificates!.AlipayPublicCertificates.Count);
    }

    [Fact]
    public void An_answer_is_checked_with_the_certificate_it_names_not_with_any_other()
    {
        using var credentials = Chain.Credentials(Both);

        // Signed with the old key but naming the new certificate: the new certificate's key does not verify it.
        var error = Assert.Throws<AlipayException>(() => Read(Answer(Node, Sn(Chain.NextAlipayPublicCertPath), AlipayTestKeys.AlipayPrivateKey), credentials));

        Assert.Contains("does not verify", error.Message);
    }

    [Fact]
    public void An_answer_naming_a_certificate_nobody_configured_is_a_clear_error()
    {
        using var credentials = Chain.Credentials();

        var error = Assert.Throws<AlipayException>(() => Read(Answer(Node, Sn(Chain.NextAlipayPublicCertPath), NextAlipayKey), credentials));

        Assert.Contains($"signed with Alipay certificate {Sn(Chain.NextAlipayPublicCertPath)}, which is not configured", error.Message);
        Assert.Contains(Sn(Chain.AlipayPublicCertPath), error.Message);
    }

    [Fact]
    public void A_notify_names_no_certificate_so_every_configured_one_is_tried()
    {
        var form = NotifyForms.Paid("T20261125", 9.90m).Signed(NextAlipayKey).ToList();
        using var both = Chain.Credentials(Both);
        using var oldOnly = Chain.Credentials();

        var accepted = new AlipayCallbacks(both).VerifyNotify(form);
        var refused = new AlipayCallbacks(oldOnly).VerifyNotify(form);

        Assert.True(accepted.IsValid, accepted.Reason);
        Assert.False(refused.IsValid);
        Assert.Equal("signature does not verify with any configured Alipay certificate (Alipay:AlipayPublicCertPath)", refused.Reason);
    }

    [Fact]
    public void An_application_certificate_of_another_key_is_refused_naming_the_setting_and_the_file()
    {
        var options = Chain.Options();
        options.AppCertPath = Chain.AlipayPublicCertPath;

        var message = Error(options);

        Assert.StartsWith($"Alipay:AppCertPath ('{Chain.AlipayPublicCertPath}') is not the certificate of Alipay:AppPrivateKey", message);
    }

    [Fact]
    public void The_root_bundle_given_as_alipays_certificate_is_named_for_what_it_is()
    {
        var message = Error(Chain.Options(alipayPublicCertPath: Chain.AlipayRootCertPath));

        Assert.Equal($"Alipay:AlipayPublicCertPath ('{Chain.AlipayRootCertPath}') holds only CA certificates, which looks like the root certificate (支付宝根证书): it wants 支付宝公钥证书 (alipayCertPublicKey_RSA2.crt).", message);
    }

    [Fact]
    public void The_application_certificate_given_as_alipays_is_named_for_what_it_is()
    {
        var message = Error(Chain.Options(alipayPublicCertPath: Chain.AppCertPath));

        Assert.Contains("is your own application certificate (应用公钥证书), not Alipay's (支付宝公钥证书)", message);
    }

    [Fact]
    public void A_root_bundle_without_an_rsa_signed_certificate_is_refused()
    {
        var options = Chain.Options();
        options.AlipayRootCertPath = Chain.PathOf("root-e1.crt");

        var message = Error(options);

        Assert.StartsWith($"Alipay:AlipayRootCertPath ('{Chain.PathOf("root-e1.crt")}') holds no RSA-signed certificate", message);
    }

    [Fact]
    public void An_alipay_certificate_on_a_key_under_2048_bits_is_refused_as_a_short_public_key_is()
    {
        var message = Error(Chain.Options(Chain.ShortKeyAlipayCertPath));

        Assert.StartsWith($"Alipay:AlipayPublicCertPath ('{Chain.ShortKeyAlipayCertPath}') holds a certificate on a 1024-bit key", message);
        Assert.Contains("under 2048 bits are refused", message);
    }

    [Fact]
    public void A_live_deployment_in_certificate_mode_passes_every_start_up_check_without_alipays_public_key()
    {
        var options = Chain.Options();
        options.Gateway = AlipayOptions.ProductionGateway;
        options.NotifyUrl = "https://luffy.example.com/api/v1/order/success/";
        options.ReturnUrl = "https://luffy.example.com/pay/success";
        options.SellerId = "2088102177649450";
        var production = new Microsoft.Extensions.Hosting.Internal.HostingEnvironment
        {
            EnvironmentName = "Production", ContentRootPath = AppContext.BaseDirectory,
        };

        Assert.Empty(new AlipayOptionsValidator(production).Validate(null, options).Failures ?? []);
        Assert.Empty(new AlipayLiveSettingsValidator(production).Validate(null, options).Failures ?? []);
        options.AlipayPublicCertPath = Chain.ShortKeyAlipayCertPath;
        Assert.Contains(new AlipayOptionsValidator(production).Validate(null, options).Failures ?? [],
            f => f.StartsWith("Alipay:AlipayPublicCertPath", StringComparison.Ordinal) && f.Contains("1024-bit", StringComparison.Ordinal));
    }

    [Fact]
    public void A_key_file_given_as_a_certificate_is_refused_without_echoing_the_key()
    {
        var options = Chain.Options();
        options.AppCertPath = AlipayTestKeys.AppPrivateKeyPath;

        var message = Error(options);

        Assert.Contains("Alipay:AppCertPath", message);
        Assert.Contains("holds a private key, not a certificate", message);
        Assert.DoesNotContain("MII", message);
    }

    [Fact]
    public void A_missing_certificate_file_is_named()
    {
        var options = Chain.Options();
        options.AlipayRootCertPath = Chain.PathOf("no-such.crt");

        Assert.Equal($"Alipay:AlipayRootCertPath: the file '{Chain.PathOf("no-such.crt")}' does not exist.", Error(options));
    }

    [Theory]
    [InlineData(20 * 365, "expired on")]
    [InlineData(-30, "is not valid before")]
    public void A_certificate_outside_its_validity_is_refused_by_the_clock(int days, string expected)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(days));

        var message = Error(Chain.Options(), clock);

        Assert.StartsWith("Alipay:AppCertPath", message);
        Assert.Contains(expected, message);
    }

    [Fact]
    public void Alipays_public_key_and_its_certificate_together_are_refused_as_ambiguous()
    {
        var options = Chain.Options();
        options.AlipayPublicKeyPath = AlipayTestKeys.AlipayPublicKeyPath;

        Assert.StartsWith("Alipay:AlipayPublicKey(Path) is for public-key mode, but certificate mode is configured", Error(options));
    }

    [Fact]
    public void Half_a_certificate_configuration_names_what_is_missing_at_start_up()
    {
        var validator = new AlipayOptionsValidator(
            new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = "Testing", ContentRootPath = AppContext.BaseDirectory });
        var options = Chain.Options();
        options.AlipayPublicCertPath = null;
        options.AlipayRootCertPath = "";

        var result = validator.Validate(null, options);

        Assert.Contains("Alipay settings missing: Alipay:AlipayPublicCert (or Alipay:AlipayPublicCertPath), Alipay:AlipayRootCert (or Alipay:AlipayRootCertPath).", result.FailureMessage);
    }

    [Fact]
    public void An_application_certificate_of_another_key_stops_start_up_before_the_database_is_touched()
    {
        var settings = Chain.Settings();
        settings["Alipay:AppCertPath"] = Chain.NextAlipayPublicCertPath;
        using var app = new LuffyAppFactory(settings);

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient()).ToString();

        Assert.Contains($"Alipay:AppCertPath ('{Chain.NextAlipayPublicCertPath}') is not the certificate of Alipay:AppPrivateKey", error);
        Assert.False(File.Exists(app.DatabasePath), "a start that fails validation must not create, migrate or seed the database");
    }

    [Fact]
    public void With_the_three_certificates_configured_the_app_starts_in_certificate_mode()
    {
        using var app = new LuffyAppFactory(Chain.Settings());
        app.CreateClient();

        var credentials = app.Services.GetRequiredService<AlipayCredentials>();

        Assert.Equal(Sn(Chain.AppCertPath), credentials.Certificates!.AppCertSn);
    }
}
