using Bunit;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>
/// bUnit's context for xunit: disposed asynchronously, because MudBlazor registers services that can only be
/// disposed that way.
/// </summary>
public abstract class BunitTestContext : BunitContext, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => base.DisposeAsync().AsTask();
}
