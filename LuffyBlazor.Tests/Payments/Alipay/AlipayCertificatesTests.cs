using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Tests.Infrastructure;

namespace LuffyBlazor.Tests.Payments.Alipay;

/// <summary>
/// Certificate SNs against vectors made independently of our code: Alipay's published root SN, and certificates made
/// by openssl whose issuer (RFC 2253, as Java writes it) and serial openssl itself prints.
/// </summary>
public sealed class AlipayCertificatesTests
{
    private static readonly TestCertificateChain Chain = TestCertificateChain.Shared;

    private static List<X509Certificate2> Read(string path) => AlipayCertificates.ReadPem(File.ReadAllText(path), "test");

    /// <summary>md5(issuer + decimal serial), from what openssl prints of the certificate.</summary>
    private static string OpensslSn(string certificatePath)
    {
        var serial = BigInteger.Parse("0" + Chain.Field(certificatePath, "serial"), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(Chain.Field(certificatePath, "issuer") + serial)));
    }

    [Fact]
    public void Alipays_production_root_bundle_gives_the_root_sn_every_merchant_sends_skipping_its_sm2_and_ecdsa_roots()
    {
        var bundle = Read(AlipayTestKeys.Path("alipay_root_cert_production.crt"));

        Assert.Equal(4, bundle.Count);
        Assert.Equal("687b59193f3f462dd5336e5abf83c5d8_02941eef3187dddf3d3b83462e1dfcf6", AlipayCertificates.RootCertSn(bundle));
        Assert.Equal([false, true, false, true], bundle.Select(AlipayCertificates.IsRsaSigned));
    }

    [Theory]
    [InlineData("app.crt")]
    [InlineData("alipay.crt")]
    [InlineData("class1.crt")]
    [InlineData("root-g3.crt")]
    public void A_certificates_sn_is_the_md5_of_its_issuer_name_and_decimal_serial_as_openssl_prints_them(string file)
    {
        using var certificate = Read(Chain.PathOf(file))[0];

        Assert.Equal(Chain.Field(Chain.PathOf(file), "issuer"), AlipayCertificates.IssuerName(certificate));
        Assert.Equal(OpensslSn(Chain.PathOf(file)), AlipayCertificates.CertSn(certificate));
    }

    [Fact]
    public void The_root_sn_joins_the_rsa_signed_roots_in_file_order_and_leaves_out_the_ecdsa_root()
    {
        var bundle = Read(Chain.AlipayRootCertPath);

        Assert.Equal(OpensslSn(Chain.PathOf("root-r1.crt")) + "_" + OpensslSn(Chain.PathOf("root-g3.crt")), AlipayCertificates.RootCertSn(bundle));
    }

    [Fact]
    public void A_leaf_file_holds_its_certificate_first_and_its_ca_after_it()
    {
        var file = Read(Chain.AlipayPublicCertPath);

        Assert.Equal(2, file.Count);
        Assert.Equal(OpensslSn(Chain.PathOf("alipay.crt")), AlipayCertificates.CertSn(file[0]));
    }

    [Fact]
    public void Issuer_attributes_go_from_last_to_first_with_short_names_and_chinese_kept_as_is()
    {
        using var certificate = Read(Chain.OddCertPath)[0];

        var name = AlipayCertificates.IssuerName(certificate);

        Assert.StartsWith("E=ca@luffy.test,CN=Luffy Odd CA,", name);
        Assert.EndsWith(",O=路飞学城,ST=北京,C=CN", name);
        Assert.Contains("OU=Billing", name);
        Assert.Contains("OU=Payments", name);
    }

    [Fact]
    public void A_serial_with_its_high_bit_set_is_a_positive_number()
    {
        using var certificate = Read(Chain.OddCertPath)[0];

        Assert.Equal("128", AlipayCertificates.DecimalSerial(certificate));
    }

    [Theory]
    [InlineData("private key", "holds a private key")]
    [InlineData("public key", "holds a PUBLIC KEY, not a certificate")]
    [InlineData("nothing", "holds no certificate")]
    [InlineData("cut short", "certificate 1 in it cannot be read")]
    public void Anything_but_certificates_is_refused_with_the_setting_named(string content, string expected)
    {
        var text = content switch
        {
            "private key" => File.ReadAllText(AlipayTestKeys.AppPrivateKeyPath),
            "public key" => File.ReadAllText(AlipayTestKeys.AlipayPublicKeyPath),
            "nothing" => "2088000000000001",
            _ => string.Join('\n', File.ReadAllLines(Chain.PathOf("app.crt")).Take(5)) + "\n-----END CERTIFICATE-----\n",
        };

        var error = Assert.Throws<AlipayKeyException>(() => AlipayCertificates.ReadPem(text, "Alipay:AppCertPath"));

        Assert.StartsWith("Alipay:AppCertPath", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain("MII", error.Message);
    }
}
