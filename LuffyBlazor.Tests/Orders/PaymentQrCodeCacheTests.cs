using LuffyBlazor.Features.Orders;

namespace LuffyBlazor.Tests.Orders;

public sealed class PaymentQrCodeCacheTests
{
    [Fact]
    public void A_code_url_is_drawn_once_and_every_later_view_gets_the_same_drawing()
    {
        var codeUrl = "weixin://wxpay/bizpayurl?pr=" + Guid.NewGuid().ToString("N");

        var first = PaymentQrCode.CachedSvg(codeUrl);
        var second = PaymentQrCode.CachedSvg(codeUrl);

        Assert.Equal(PaymentQrCode.Svg(codeUrl), first);
        Assert.Same(first, second);
    }

    [Fact]
    public void Different_code_urls_get_their_own_drawings()
    {
        var one = PaymentQrCode.CachedSvg("weixin://wxpay/bizpayurl?pr=" + Guid.NewGuid().ToString("N"));
        var other = PaymentQrCode.CachedSvg("weixin://wxpay/bizpayurl?pr=" + Guid.NewGuid().ToString("N"));

        Assert.NotEqual(one, other);
    }
}
