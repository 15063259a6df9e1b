"""Development stand-ins for the services the shop talks to: a Bakong Open API sandbox and a
Telegram Bot API stand-in. Installed by the dev and test settings only, never in production."""
