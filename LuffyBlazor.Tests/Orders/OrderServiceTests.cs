using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Orders;

public sealed class OrderServiceTests : IClassFixture<OrderServiceTests.App>
{
    public sealed class App() : LuffyAppFactory(AlipayTestKeys.Settings());

    private readonly App app;

    public OrderServiceTests(App app) => this.app = app;

    private async Task<PlaceOrderResult> PlaceAsync(string userId, int[] courseIds, decimal? clientTotal = null, PayType payType = PayType.Alipay)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OrderService>().PlaceOrderAsync(userId, courseIds, clientTotal, payType: payType);
    }

    [Fact]
    public async Task An_order_is_priced_from_the_database_with_one_line_per_course()
    {
        var (learner, _) = await app.CreateLearnerAsync();

        var result = await PlaceAsync(learner, [1, 3]);

        Assert.True(result.Succeeded, result.Error);
        var order = await app.OrderAsync(result.Order!.OutTradeNo);
        Assert.Equal(198.00m + 99.00m, order.TotalAmount);
        Assert.Equal(OrderStatus.Unpaid, order.Status);
        Assert.Equal([1, 3], order.Details.Select(d => d.CourseId).Order());
        Assert.Equal("路飞学城-Python 全栈开发等2门课程", order.Subject);
        Assert.Equal(TimeSpan.FromMinutes(15), order.ExpiresAt - order.CreatedAt);
    }

    [Theory]
    [InlineData(new int[0], null, "至少选择一门课程")]
    [InlineData(new[] { 99999 }, null, "课程不存在：99999")]
    [InlineData(new[] { 1 }, "1.00", "订单金额不一致")]
    [InlineData(new[] { 1, 2 }, "198.00", "订单金额不一致")]
    public async Task Bad_requests_are_refused_with_a_clear_message_and_nothing_is_stored(int[] courseIds, string? clientTotal, string expected)
    {
        var (learner, _) = await app.CreateLearnerAsync();

        var result = await PlaceAsync(learner, courseIds, clientTotal is null ? null : decimal.Parse(clientTotal, System.Globalization.CultureInfo.InvariantCulture));

        Assert.False(result.Succeeded);
        Assert.Contains(expected, result.Error);
        Assert.Equal(0, await app.QueryAsync(db => db.Orders.CountAsync(o => o.UserId == learner)));
    }

    [Fact]
    public async Task A_client_total_equal_to_the_server_sum_is_accepted()
    {
        var (learner, _) = await app.CreateLearnerAsync();

        var result = await PlaceAsync(learner, [2, 3], clientTotal: 99.01m);

        Assert.True(result.Succeeded, result.Error);
    }

    [Fact]
    public async Task An_off_sale_course_cannot_be_bought()
    {
        var (learner, _) = await app.CreateLearnerAsync();
        var courseId = await app.QueryAsync(async db =>
        {
            var course = await db.Courses.SingleAsync(c => c.Name == "TypeScript 进阶");
            course.IsOnSale = false;
            await db.SaveChangesAsync();
            return course.Id;
        });

        var result = await PlaceAsync(learner, [courseId]);

        Assert.Contains("已下架", result.Error);
    }

    [Fact]
    public async Task Wechat_pay_is_refused_with_a_clear_message_while_its_settings_are_unset()
    {
        var (learner, _) = await app.CreateLearnerAsync();

        var result = await PlaceAsync(learner, [1], payType: PayType.WeChat);

        Assert.Equal("微信支付暂未开通，请使用支付宝", result.Error);
    }

    [Fact]
    public async Task A_pay_type_that_does_not_exist_is_refused()
    {
        var (learner, _) = await app.CreateLearnerAsync();

        var result = await PlaceAsync(learner, [1], payType: (PayType)3);

        Assert.Contains("pay_type 1 为支付宝，2 为微信支付", result.Error);
    }

    [Fact]
    public async Task An_owned_course_cannot_be_bought_again()
    {
        var (learner, _) = await app.CreateLearnerAsync();
        var order = await app.PlaceOrderAsync(learner, 5);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var outcome = await scope.ServiceProvider.GetRequiredService<OrderTransitions>()
                .ApplyPaymentAsync(new PaymentConfirmation(order.OutTradeNo, "T" + order.OutTradeNo, order.TotalAmount, null, null), "test");
            Assert.Equal(PaymentOutcome.MarkedPaid, outcome);
        }

        var again = await PlaceAsync(learner, [5]);
        var withOthers = await PlaceAsync(learner, [4, 5]);

        Assert.Contains("已购买", again.Error);
        Assert.Contains("已购买", withOthers.Error);
    }

    [Fact]
    public async Task Pressing_buy_twice_gives_back_the_same_live_order()
    {
        var (learner, _) = await app.CreateLearnerAsync();

        var first = await PlaceAsync(learner, [6, 7]);
        var second = await PlaceAsync(learner, [7, 6, 7]);

        Assert.False(first.Reused);
        Assert.True(second.Reused);
        Assert.Equal(first.Order!.OutTradeNo, second.Order!.OutTradeNo);
    }

    [Fact]
    public async Task Concurrent_buy_clicks_for_the_same_courses_create_one_order()
    {
        var (learner, _) = await app.CreateLearnerAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PlaceAsync(learner, [8])));

        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        Assert.Single(results.Select(r => r.Order!.OutTradeNo).Distinct());
        Assert.Equal(1, await app.QueryAsync(db => db.Orders.CountAsync(o => o.UserId == learner)));
    }

    [Fact]
    public async Task A_later_price_change_never_alters_an_existing_order()
    {
        var (learner, _) = await app.CreateLearnerAsync();
        var order = await app.PlaceOrderAsync(learner, 9);
        var original = order.TotalAmount;

        await app.QueryAsync(async db =>
        {
            var course = await db.Courses.SingleAsync(c => c.Id == 9);
            course.Price += 100m;
            return await db.SaveChangesAsync();
        });

        var stored = await app.OrderAsync(order.OutTradeNo);
        Assert.Equal(original, stored.TotalAmount);
        Assert.Equal(original, stored.Details.Single().Price);
        Assert.Equal(original, stored.Details.Single().RealPrice);
        var fresh = await PlaceAsync(learner, [9]);
        Assert.False(fresh.Reused);
        Assert.Equal(original + 100m, fresh.Order!.TotalAmount);
    }

    [Fact]
    public void Order_numbers_are_time_prefixed_unguessable_and_alipay_shaped()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 1, 2, 3, TimeSpan.Zero));

        var numbers = Enumerable.Range(0, 2000).Select(_ => OrderNumbers.New(clock)).ToList();

        Assert.All(numbers, n =>
        {
            Assert.True(OrderNumbers.IsWellFormed(n));
            Assert.Equal(38, n.Length);
            Assert.StartsWith("20261125090203", n); // Beijing time
        });
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
    }
}
