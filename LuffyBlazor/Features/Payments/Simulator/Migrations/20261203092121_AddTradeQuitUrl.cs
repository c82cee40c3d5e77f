using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LuffyBlazor.Features.Payments.Simulator.Migrations
{
    /// <inheritdoc />
    public partial class AddTradeQuitUrl : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "QuitUrl",
                table: "SimulatorTrades",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "QuitUrl",
                table: "SimulatorTrades");
        }
    }
}
