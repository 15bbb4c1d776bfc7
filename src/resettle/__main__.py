from resettle.adapters.cli.main import main

main()
