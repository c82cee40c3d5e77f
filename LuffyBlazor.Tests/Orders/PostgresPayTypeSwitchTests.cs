using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Orders;

/// <summary>Two instances sharing one PostgreSQL database switch the same order at once: one change is recorded.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresPayTypeSwitchTests(PostgresServer postgres)
{
    [Fact]
    public async Task Two_instances_switching_one_order_at_once_record_one_change()
    {
        await using var alipay = await ScriptedAlipay.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Default"] = postgres.ConnectionString("luffy_" + Guid.NewGuid().ToString("N")[..12]),
            ["Alipay:Gateway"] = alipay.Url,
            ["Orders:SweeperEnabled"] = "false",
        };
        using var first = new WeChatPayApp(settings);
        first.CreateClient();
        using var second = new WeChatPayApp(settings);
        second.CreateClient();
        var (learner, _) = await first.CreateLearnerAsync("pgswitch");
        var order = await first.PlaceOrderAsync(learner, 2);
        alipay.Trades[order.OutTradeNo] = ("WAIT_BUYER_PAY", order.TotalAmount);
        var asked = 0;
        var bothAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        alipay.BeforeAnswer = async (method, _) =>
        {
            if (method == "alipay.trade.query" && Interlocked.Increment(ref asked) == 2)
            {
                bothAsked.TrySetResult();
            }

            await bothAsked.Task.WaitAsync(TimeSpan.FromSeconds(10));
        };

        var outcomes = await Task.WhenAll(SwitchAsync(first), SwitchAsync(second));

        Assert.All(outcomes, o => Assert.Equal(SwitchResult.Ready, o.Result));
        var switched = await first.OrderAsync(order.OutTradeNo);
        Assert.Equal((OrderStatus.Unpaid, PayType.WeChat), (switched.Status, switched.PayType));
        Assert.Equal(1, await first.QueryAsync(db => db.OrderStatusChanges.CountAsync(c => c.OrderId == order.Id && c.Reason == "支付方式由支付宝改为微信支付")));

        async Task<SwitchOutcome> SwitchAsync(LuffyAppFactory app)
        {
            await using var scope = app.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<PayTypeSwitch>().SwitchAsync(learner, order.OutTradeNo, PayType.WeChat);
        }
    }
}
