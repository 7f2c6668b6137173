from docsvc.cli import main

main()
