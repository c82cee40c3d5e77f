using LuffyBlazor.Features.Orders;

namespace LuffyBlazor.Tests.Orders;

public sealed class InFlightPaymentsTests
{
    private readonly InFlightPayments inFlight = new();

    [Fact]
    public async Task Concurrent_calls_for_one_order_share_one_run_and_only_the_first_marks_it_paid()
    {
        var payment = new HeldPayment(PaymentOutcome.MarkedPaid);

        var calls = Enumerable.Range(0, 5).Select(_ => inFlight.JoinAsync("A1", payment.ApplyAsync)).ToList();
        payment.Release();
        var outcomes = await Task.WhenAll(calls);

        Assert.Equal(1, payment.Runs);
        Assert.Equal(1, outcomes.Count(o => o == PaymentOutcome.MarkedPaid));
        Assert.Equal(4, outcomes.Count(o => o == PaymentOutcome.AlreadyPaid));
    }

    [Fact]
    public async Task Different_orders_run_side_by_side_and_a_later_call_runs_again()
    {
        var payment = new HeldPayment(PaymentOutcome.MarkedPaid);

        var first = inFlight.JoinAsync("A1", payment.ApplyAsync);
        var second = inFlight.JoinAsync("B2", payment.ApplyAsync);
        payment.Release();

        Assert.Equal([PaymentOutcome.MarkedPaid, PaymentOutcome.MarkedPaid], await Task.WhenAll(first, second));
        Assert.Equal(PaymentOutcome.MarkedPaid, await inFlight.JoinAsync("A1", payment.ApplyAsync));
        Assert.Equal(3, payment.Runs);
    }

    [Fact]
    public async Task A_failure_reaches_every_waiter_and_the_next_call_tries_afresh()
    {
        var release = new TaskCompletionSource();
        async Task<PaymentOutcome> Fail()
        {
            await release.Task;
            throw new TimeoutException("database gone");
        }

        var leader = inFlight.JoinAsync("A1", Fail);
        var follower = inFlight.JoinAsync("A1", () => Task.FromResult(PaymentOutcome.MarkedPaid));
        release.SetResult();

        await Assert.ThrowsAsync<TimeoutException>(() => leader);
        await Assert.ThrowsAsync<TimeoutException>(() => follower);
        Assert.Equal(PaymentOutcome.AlreadyPaid, await inFlight.JoinAsync("A1", () => Task.FromResult(PaymentOutcome.AlreadyPaid)));
    }

    [Fact]
    public async Task A_waiter_whose_joined_run_did_not_leave_the_order_paid_runs_its_own()
    {
        var query = new HeldPayment(PaymentOutcome.AmountMismatch);
        var notify = new HeldPayment(PaymentOutcome.MarkedPaid);

        var first = inFlight.JoinAsync("A1", query.ApplyAsync);
        var second = inFlight.JoinAsync("A1", notify.ApplyAsync);
        query.Release();
        notify.Release();

        Assert.Equal([PaymentOutcome.AmountMismatch, PaymentOutcome.MarkedPaid], await Task.WhenAll(first, second));
        Assert.Equal((1, 1), (query.Runs, notify.Runs));
    }

    /// <summary>A payment whose database work waits until the test releases it, counting how often it ran.</summary>
    private sealed class HeldPayment(PaymentOutcome outcome)
    {
        private readonly TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int runs;

        public int Runs => runs;

        public async Task<PaymentOutcome> ApplyAsync()
        {
            Interlocked.Increment(ref runs);
            await release.Task;
            return outcome;
        }

        public void Release() => release.SetResult();
    }
}
