using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Payments.WeChat;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>The app with WeChat Pay on (test keys, public-key mode) talking to a <see cref="FakeWeChatPay"/>.</summary>
public class WeChatPayApp : LuffyAppFactory
{
    public WeChatPayApp() : this(new Dictionary<string, string?>())
    {
    }

    internal WeChatPayApp(IDictionary<string, string?> overrides) : base(Merge(overrides))
    {
        TestServices = services => services.AddHttpClient<IWeChatPayClient, WeChatPayClient>().ConfigurePrimaryHttpMessageHandler(() => WeChat);
    }

    public FakeWeChatPay WeChat { get; } = new();

    private static Dictionary<string, string?> Merge(IDictionary<string, string?> overrides)
    {
        var settings = new Dictionary<string, string?>(AlipayTestKeys.Settings());
        foreach (var (key, value) in WeChatPayTestKeys.Settings())
        {
            settings[key] = value;
        }

        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return settings;
    }
}

public static class WeChatPayScenarios
{
    public static async Task<Order> PlaceWeChatOrderAsync(this LuffyAppFactory app, string userId, params int[] courseIds)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<OrderService>().PlaceOrderAsync(userId, courseIds, payType: PayType.WeChat);
        Assert.True(result.Succeeded, result.Error);
        return result.Order!;
    }

    /// <summary>A new learner's WeChat order for <paramref name="course"/>, paid by a signed WeChat notify.</summary>
    public static async Task<Order> PaidWeChatOrderAsync(this LuffyAppFactory app, int course)
    {
        var (learner, _) = await app.CreateLearnerAsync("wxpaid");
        var order = await app.PlaceWeChatOrderAsync(learner, course);
        using var response = await app.CreateClient().SendAsync(FakeWeChatPay.NotifyRequest(
            FakeWeChatPay.NotifyBody(FakeWeChatPay.Transaction(order.OutTradeNo, order.TotalAmount))));
        Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
        return order;
    }
}
