"""What happens to each received invoice: 入账 and 报销 marks, duplicates, the summary."""
