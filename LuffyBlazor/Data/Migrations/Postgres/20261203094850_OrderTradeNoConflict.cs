using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LuffyBlazor.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class OrderTradeNoConflict : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "TradeNoConflict",
                table: "Orders",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "IX_Orders_TradeNoConflict",
                table: "Orders",
                columns: new[] { "CreatedAt", "Status", "TotalAmount", "RefundedAmount" },
                filter: "\"TradeNoConflict\"");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Orders_TradeNoConflict",
                table: "Orders");

            migrationBuilder.DropColumn(
                name: "TradeNoConflict",
                table: "Orders");
        }
    }
}
