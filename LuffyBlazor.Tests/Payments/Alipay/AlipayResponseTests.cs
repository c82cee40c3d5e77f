using System.Text;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Tests.Infrastructure;

namespace LuffyBlazor.Tests.Payments.Alipay;

/// <summary>Response signatures cover the raw <c>*_response</c> text exactly as sent.</summary>
public sealed class AlipayResponseTests
{
    private static readonly AlipayCredentials Credentials = AlipayTestKeys.Credentials();

    private static AlipayResponse<AlipayTradeQuery> Read(string body) =>
        AlipayResponseReader.Read<AlipayTradeQuery>("alipay.trade.query", Encoding.UTF8.GetBytes(body), Credentials);

    [Fact]
    public void The_openssl_signed_response_vector_verifies_and_parses()
    {
        var vector = AlipayTestKeys.Vectors.GetProperty("response");

        var response = Read(vector.GetProperty("body").GetString()!);

        Assert.True(response.IsSuccess);
        Assert.Equal(vector.GetProperty("node").GetString(), response.RawNode);
        Assert.Equal((0.01m, "TRADE_SUCCESS", "2088102177846875"), (response.Data!.TotalAmount, response.Data.TradeStatus, response.Data.BuyerId));
    }

    [Fact]
    public void A_response_signed_before_its_slashes_were_escaped_verifies_on_the_second_try()
    {
        var response = Read(AlipayTestKeys.Vectors.GetProperty("response_escaped_slash").GetProperty("body").GetString()!);

        Assert.True(response.IsSigned);
        Assert.True(response.IsTradeNotExist);
        Assert.Contains("https://opendocs.alipay.com", response.Error!.SubMsg);
    }

    [Fact]
    public void Whitespace_and_unicode_escapes_inside_the_node_are_kept_as_sent()
    {
        const string node = "{ \"code\" : \"10000\",\n  \"msg\":\"Success\", \"out_trade_no\":\"T1\", \"trade_status\":\"WAIT_BUYER_PAY\",\"total_amount\":\"1.00\", \"subject\":\"\\u8def\\u98de\" }";
        var body = "{\n  \"sign\": \"" + AlipaySignature.Sign(node, AlipayTestKeys.AlipayPrivateKey) + "\",\n  \"alipay_trade_query_response\": " + node + "\n}";

        var response = Read(body);

        Assert.Equal(node, response.RawNode);
        Assert.Equal("WAIT_BUYER_PAY", response.Data!.TradeStatus);
    }

    [Fact]
    public void A_signed_gateway_error_response_is_read_as_an_error()
    {
        const string node = "{\"code\":\"40002\",\"msg\":\"Invalid Arguments\",\"sub_code\":\"isv.invalid-signature\",\"sub_msg\":\"验签出错\"}";
        var body = $"{{\"error_response\":{node},\"sign\":\"{AlipaySignature.Sign(node, AlipayTestKeys.AlipayPrivateKey)}\"}}";

        var response = Read(body);

        Assert.Equal("isv.invalid-signature", response.Error!.SubCode);
        Assert.Equal("40002 Invalid Arguments (isv.invalid-signature: 验签出错)", response.Error.ToString());
    }

    [Theory]
    [InlineData("20000", "Service Currently Unavailable", "isp.unknow-error", true)]
    [InlineData("20000", "Service Currently Unavailable", "ISP.UNKNOW-ERROR", true)]
    [InlineData("20000", "Service Currently Unavailable", "aop.unknow-error", true)]
    [InlineData("20000", "Service Currently Unavailable", "aop.ACQ.SYSTEM_ERROR", true)]
    [InlineData("20000", "Service Currently Unavailable", "isv.anything-else", true)]
    [InlineData("40004", "Business Failed", "ACQ.SYSTEM_ERROR", true)]
    [InlineData("40004", "Business Failed", "acq.system_error", true)]
    [InlineData("40004", "Business Failed", "ACQ.TRADE_STATUS_ERROR", false)]
    [InlineData("40004", "Business Failed", "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", false)]
    [InlineData("40002", "Invalid Arguments", "isv.invalid-signature", false)]
    public void Alipays_result_unknown_answers_are_told_apart_from_refusals(string code, string msg, string subCode, bool unknown)
    {
        var node = $"{{\"code\":\"{code}\",\"msg\":\"{msg}\",\"sub_code\":\"{subCode}\",\"sub_msg\":\"系统繁忙\"}}";
        var body = $"{{\"alipay_trade_refund_response\":{node},\"sign\":\"{AlipaySignature.Sign(node, AlipayTestKeys.AlipayPrivateKey)}\"}}";

        var response = AlipayResponseReader.Read<AlipayTradeRefund>("alipay.trade.refund", Encoding.UTF8.GetBytes(body), Credentials);

        Assert.True(response.IsSigned);
        Assert.Equal(unknown, response.Error!.IsResultUnknown);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{\"alipay_trade_query_response\":")]
    [InlineData("{\"alipay_trade_query_response\":\"a string\"}")]
    public void Garbage_is_an_alipay_exception(string body)
    {
        Assert.Throws<AlipayException>(() => Read(body));
    }
}
