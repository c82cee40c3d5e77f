using System.Net;
using System.Text.RegularExpressions;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Payments.Alipay;

public sealed partial class AlipayRequestTests
{
    private const string OutTradeNo = "20261125163005A1B2C3D4E5F60718293A4B5C";
    private static readonly AlipayCredentials Credentials = AlipayTestKeys.Credentials();

    /// <summary>A server in New York at 2026-11-25 08:30:05 UTC, which is 16:30:05 in Beijing.</summary>
    private static FakeTimeProvider NewYorkClock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T08:30:05Z"));
        clock.SetLocalTimeZone(TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));
        return clock;
    }

    private static AlipayClient Client(TimeProvider? clock = null, string gateway = AlipayOptions.SandboxGateway)
    {
        var options = Options.Create(AlipayTestKeys.Options());
        options.Value.Gateway = gateway;
        return new AlipayClient(new HttpClient(), new AlipayRequestSigner(Credentials, options, clock ?? NewYorkClock()), new AlipayGateway(options), Credentials);
    }

    private static AlipayTradeRequest Request(decimal amount = 0.01m, string subject = "路飞学城-Python 全栈开发") => new(
        OutTradeNo, amount, subject, DateTimeOffset.Parse("2026-11-25T08:45:05Z"),
        "https://luffy.example.com/api/v1/order/success/", "https://luffy.example.com/pay/success", "https://luffy.example.com/orders");

    private static Dictionary<string, string> QueryOf(string url) =>
        QueryHelpers.ParseQuery(new Uri(url).Query).ToDictionary(q => q.Key, q => q.Value.ToString());

    [Fact]
    public void The_page_pay_url_is_the_gateway_and_a_signed_query_identical_to_the_openssl_vector()
    {
        var vector = AlipayTestKeys.Vectors.GetProperty("page_pay");

        var url = Client().BuildPagePayUrl(Request());

        Assert.StartsWith(AlipayOptions.SandboxGateway + "?", url);
        var query = QueryOf(url);
        Assert.Equal(vector.GetProperty("biz_content").GetString(), query["biz_content"]);
        Assert.Equal(vector.GetProperty("sign_content").GetString(), AlipaySignature.BuildSignContent(query, keepSignType: true));
        Assert.Equal(vector.GetProperty("sign").GetString(), query["sign"]);
        Assert.EndsWith("&sign=" + Uri.EscapeDataString(query["sign"]), url); // python-alipay-sdk's order: sorted, sign last
    }

    [Fact]
    public void Timestamps_are_beijing_time_whatever_the_servers_zone()
    {
        var query = QueryOf(Client().BuildPagePayUrl(Request()));

        Assert.Equal("2026-11-25 16:30:05", query["timestamp"]);
        Assert.Contains("\"time_expire\":\"2026-11-25 16:45:05\"", query["biz_content"]);
    }

    [Fact]
    public void The_common_parameters_are_all_there()
    {
        var query = QueryOf(Client().BuildPagePayUrl(Request()));

        Assert.Equal(AlipayTestKeys.AppId, query["app_id"]);
        Assert.Equal("alipay.trade.page.pay", query["method"]);
        Assert.Equal("JSON", query["format"]);
        Assert.Equal("utf-8", query["charset"]);
        Assert.Equal("RSA2", query["sign_type"]);
        Assert.Equal("1.0", query["version"]);
        Assert.Equal("https://luffy.example.com/api/v1/order/success/", query["notify_url"]);
        Assert.Equal("https://luffy.example.com/pay/success", query["return_url"]);
    }

    [Fact]
    public void Wap_pay_uses_its_own_method_and_product_and_signs_its_quit_url()
    {
        var query = QueryOf(Client().BuildWapPayUrl(Request()));

        Assert.Equal("alipay.trade.wap.pay", query["method"]);
        Assert.Contains("\"product_code\":\"QUICK_WAP_WAY\"", query["biz_content"]);
        Assert.Contains("\"quit_url\":\"https://luffy.example.com/orders\"", query["biz_content"]);
        Assert.True(AlipaySignature.Verify(AlipaySignature.BuildSignContent(query, keepSignType: true), query["sign"], AlipayTestKeys.AppPublicKey));
    }

    [Fact]
    public void Page_pay_sends_no_quit_url_and_wap_pay_refuses_to_go_without_one()
    {
        Assert.DoesNotContain("quit_url", QueryOf(Client().BuildPagePayUrl(Request()))["biz_content"]);
        Assert.Throws<ArgumentException>(() => Client().BuildWapPayUrl(Request() with { QuitUrl = null }));
    }

    [Fact]
    public void Chinese_plus_ampersand_and_equals_survive_url_encoding_and_the_signature_holds()
    {
        var request = Request(subject: "Go 语言+C++ 实战") with { NotifyUrl = "https://luffy.example.com/notify?a=1&b=x y+z" };

        var url = Client().BuildPagePayUrl(request);

        Assert.DoesNotContain(" ", url);
        Assert.DoesNotContain("语", url);
        var query = QueryOf(url);
        Assert.Equal("https://luffy.example.com/notify?a=1&b=x y+z", query["notify_url"]);
        Assert.Contains("\"subject\":\"Go 语言+C++ 实战\"", query["biz_content"]);
        Assert.True(AlipaySignature.Verify(AlipaySignature.BuildSignContent(query, keepSignType: true), query["sign"], AlipayTestKeys.AppPublicKey));
    }

    [Fact]
    public void The_post_form_html_encodes_every_value_and_submits_itself()
    {
        var html = Client(gateway: "https://gw.example/gateway.do?x=1").BuildPagePayForm(Request(subject: "<script>\"路飞\"</script>"));

        Assert.Contains("action=\"https://gw.example/gateway.do?x=1&amp;charset=utf-8\"", html);
        Assert.Contains("method=\"POST\"", html);
        Assert.Contains("document.forms['alipaysubmit'].submit();", html);
        Assert.DoesNotContain("<script>\"", html);
        var fields = HiddenInput().Matches(html).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        Assert.Contains("\"subject\":\"<script>\\\"路飞\\\"< script>\"", fields["biz_content"]); // '/' is cleaned from subjects
        Assert.True(AlipaySignature.Verify(AlipaySignature.BuildSignContent(fields, keepSignType: true), fields["sign"], AlipayTestKeys.AppPublicKey));
    }

    [Fact]
    public void The_wap_form_carries_the_wap_method()
    {
        var html = Client().BuildWapPayForm(Request());

        Assert.Contains("name=\"method\" value=\"alipay.trade.wap.pay\"", html);
    }

    [Theory]
    [InlineData("0.01", "0.01")]
    [InlineData("99", "99.00")]
    [InlineData("198.5", "198.50")]
    [InlineData("100000000.00", "100000000.00")]
    public void Amounts_are_written_with_two_decimals_in_the_invariant_culture(string amount, string expected)
    {
        var previous = Thread.CurrentThread.CurrentCulture;
        Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE"); // a decimal comma culture
        try
        {
            Assert.Equal(expected, AlipayBizContent.FormatAmount(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)));
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = previous;
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("0.001")]
    [InlineData("100000000.01")]
    public void Amounts_alipay_refuses_are_refused_before_signing(string amount)
    {
        var request = Request(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Throws<ArgumentOutOfRangeException>(() => Client().BuildPagePayUrl(request));
    }

    [Theory]
    [InlineData("路飞/学城=A&B", "路飞 学城 A B")]
    [InlineData("  Python\t\n全栈  ", "Python 全栈")]
    [InlineData("Emoji 😀 课程\u0007", "Emoji 课程")]
    [InlineData("𠀀𪚥 生僻字 \U00031350", "𠀀𪚥 生僻字 \U00031350")] // CJK Extensions B and G (planes 2 and 3) are names, kept
    [InlineData("乐谱𝄞与表情🎉", "乐谱与表情")] // other supplementary characters (music symbols, emoji) are dropped
    public void Subjects_lose_the_characters_alipay_rejects(string subject, string expected)
    {
        Assert.Equal(expected, AlipayBizContent.CleanSubject(subject));
    }

    [Fact]
    public void Unpaired_surrogates_are_dropped_from_subjects()
    {
        // Built here, not in [InlineData]: the test runner cannot carry a lone surrogate through its serialization.
        var subject = "孤" + '\uD800' + "立" + '\uDC00' + "代理";

        Assert.Equal("孤立代理", AlipayBizContent.CleanSubject(subject));
    }

    [Fact]
    public void Subjects_are_cut_at_256_characters_and_an_empty_one_is_refused()
    {
        Assert.Equal(256, AlipayBizContent.CleanSubject(new string('课', 300)).Length);
        Assert.Equal(new string('课', 255), AlipayBizContent.CleanSubject(new string('课', 255) + "𠀀")); // never half a pair
        Assert.Throws<ArgumentException>(() => AlipayBizContent.CleanSubject("/ = &"));
    }

    [Fact]
    public void A_long_subject_is_cut_between_text_elements_never_inside_one()
    {
        var accented = new string('a', 255) + "e\u0301" + "xyz"; // é as e + a combining acute: one text element
        var hangul = new string('가', 255) + "\u1100\u1161\u11A8"; // 각 as three conjoining jamo

        Assert.Equal(new string('a', 255), AlipayBizContent.CleanSubject(accented));
        Assert.Equal(new string('가', 255), AlipayBizContent.CleanSubject(hangul));
        Assert.Equal(new string('a', 254) + "e\u0301", AlipayBizContent.CleanSubject(new string('a', 254) + "e\u0301" + "xyz"));
    }

    [Theory]
    [InlineData("///")]
    [InlineData("😀🎉")]
    [InlineData("👍🏽 👨\u200D👩\u200D👧")]
    [InlineData("\u200B\u200D\uFE0F")]
    [InlineData(" \t ")]
    [InlineData(null)]
    public void A_subject_of_nothing_alipay_accepts_cleans_to_nothing(string? subject)
    {
        Assert.False(AlipayBizContent.TryCleanSubject(subject, out var cleaned));
        Assert.Equal("", cleaned);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("中文单号")]
    [InlineData("a-b")]
    public void Trade_numbers_alipay_refuses_are_refused(string outTradeNo)
    {
        Assert.Throws<ArgumentException>(() => Client().BuildPagePayUrl(Request() with { OutTradeNo = outTradeNo }));
        Assert.Throws<ArgumentException>(() => AlipayBizContent.Query(outTradeNo));
    }

    [Fact]
    public void Refund_content_carries_the_request_number_that_makes_it_idempotent()
    {
        var content = AlipayBizContent.Refund(new AlipayRefundRequest(OutTradeNo, 50.5m, "R20261125_1", "学员申请/退款"));

        Assert.Equal($"{{\"out_trade_no\":\"{OutTradeNo}\",\"refund_amount\":\"50.50\",\"out_request_no\":\"R20261125_1\",\"refund_reason\":\"学员申请 退款\"}}", content);
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"/>")]
    private static partial Regex HiddenInput();
}
