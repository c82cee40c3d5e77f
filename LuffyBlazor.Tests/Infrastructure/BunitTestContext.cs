using Bunit;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>
/// bUnit's context for xunit: disposed asynchronously, because MudBlazor registers services that can only be
/// disposed that way.
/// </summary>
public abstract class BunitTestContext : BunitContext, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeTestAsync();
        await base.DisposeAsync();
    }

    /// <summary>What a test class holds besides the bUnit context (an app scope, say).</summary>
    protected virtual Task DisposeTestAsync() => Task.CompletedTask;
}
