"""KHQR: building payment codes and talking to the Bakong Open API. (The local stand-in for
Bakong is `devtools.bakong_sandbox`, installed by the dev and test settings only.)"""
