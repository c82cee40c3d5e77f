using LuffyBlazor.Features.Orders;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Orders;

/// <summary>The remembered WeChat code_url: only for the same order, amount and pay type, and only for a short time.</summary>
public sealed class WeChatCodeUrlsTests : IDisposable
{
    private const string CodeUrl = "weixin://wxpay/bizpayurl?pr=abc";

    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 4, 3, 0, 0, TimeSpan.Zero));
    private readonly MemoryCache cache = new(new MemoryCacheOptions());
    private readonly WeChatCodeUrls codeUrls;

    public WeChatCodeUrlsTests() => codeUrls = new WeChatCodeUrls(cache, clock);

    private OrderView Order(decimal amount = 99m, PayType payType = PayType.WeChat, TimeSpan? expiresIn = null) => new(
        "202612040300000001", "课程", amount, OrderStatus.Unpaid, clock.GetUtcNow().UtcDateTime,
        clock.GetUtcNow().UtcDateTime + (expiresIn ?? TimeSpan.FromMinutes(30)), null, null, [], payType);

    [Fact]
    public void The_same_order_finds_its_code_again()
    {
        codeUrls.Remember(Order(), CodeUrl);

        Assert.Equal(CodeUrl, codeUrls.Find(Order()));
    }

    [Fact]
    public void Another_amount_or_pay_type_finds_nothing()
    {
        codeUrls.Remember(Order(), CodeUrl);

        Assert.Null(codeUrls.Find(Order(amount: 98m)));
        Assert.Null(codeUrls.Find(Order(payType: PayType.Alipay)));
    }

    [Fact]
    public void A_code_is_forgotten_after_a_few_minutes()
    {
        codeUrls.Remember(Order(), CodeUrl);

        clock.Advance(WeChatCodeUrls.KeepFor - TimeSpan.FromSeconds(1));
        Assert.Equal(CodeUrl, codeUrls.Find(Order()));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(codeUrls.Find(Order()));
    }

    [Fact]
    public void A_code_is_never_kept_past_the_orders_deadline_less_the_time_to_pay()
    {
        var order = Order(expiresIn: TimeSpan.FromMinutes(3));
        codeUrls.Remember(order, CodeUrl);

        clock.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromSeconds(1));
        Assert.Equal(CodeUrl, codeUrls.Find(order));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(codeUrls.Find(order));
    }

    [Fact]
    public void An_order_too_close_to_its_deadline_is_not_remembered()
    {
        var order = Order(expiresIn: Checkout.MinimumTimeToPay);
        codeUrls.Remember(order, CodeUrl);

        Assert.Null(codeUrls.Find(order));
    }

    public void Dispose() => cache.Dispose();
}
