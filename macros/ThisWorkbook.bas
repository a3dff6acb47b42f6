Attribute VB_Name = "ThisWorkbook"
' The workbook's own module. Workbook_Open only checks that what the buttons need is
' there (the xlwings add-in, and the Python named in the xlwings.conf sheet) and says what
' is missing. It never stops the workbook from opening: every error is caught, and the
' built-in functions are called as VBA.* so that even a missing library reference cannot
' break it.
'
' This file is the source of the VBA document module ThisWorkbook: `xlsx-tools
' build-templates` compiles it into the .xlsm templates. Edit it here.
Option Explicit

Private Sub Workbook_Open()
    On Error GoTo Done
    Dim message As String, interpreter As String
    #If Mac Then
        Exit Sub
    #End If
    If Not AddinLoaded() Then
        message = "The buttons of this workbook need Python (with xlsx_tools) and the xlwings Excel add-in, " _
            & "and the add-in is not loaded." & vbCrLf _
            & "Set-up: docs/windows-setup.md (pip install, then xlwings addin install, then restart Excel)." & vbCrLf _
            & "The sheets and the command line work without it." & vbCrLf & vbCrLf _
            & XtText("\u672C\u5DE5\u4F5C\u7C3F\u7684\u6309\u94AE\u9700\u8981 Python\uFF08\u88C5\u6709 xlsx_tools\uFF09\u548C Excel \u7684 xlwings \u52A0\u8F7D\u9879\uFF0C\u4F46\u672A\u68C0\u6D4B\u5230\u8BE5\u52A0\u8F7D\u9879\u3002") & vbCrLf _
            & XtText("\u5B89\u88C5\u6B65\u9AA4\u89C1 docs/windows-setup.md\uFF08pip install \u540E\u8FD0\u884C xlwings addin install\uFF0C\u518D\u91CD\u542F Excel\uFF09\u3002") & vbCrLf _
            & XtText("\u4E0D\u7528\u6309\u94AE\u65F6\uFF0C\u5DE5\u4F5C\u8868\u548C\u547D\u4EE4\u884C\u7167\u5E38\u53EF\u7528\u3002")
    Else
        interpreter = MissingInterpreter()
        If VBA.Len(interpreter) > 0 Then
            message = "Python was not found at " & interpreter & " (Interpreter_Win in the xlwings.conf sheet)." & vbCrLf _
                & "Correct that cell, or create the Python environment as in docs/windows-setup.md." & vbCrLf & vbCrLf _
                & XtText("\u627E\u4E0D\u5230 Python \u89E3\u91CA\u5668\uFF08xlwings.conf \u5DE5\u4F5C\u8868\u4E2D\u7684 Interpreter_Win\uFF09\uFF1A") & interpreter & vbCrLf _
                & XtText("\u8BF7\u6539\u6B63\u8BE5\u5355\u5143\u683C\uFF0C\u6216\u6309 docs/windows-setup.md \u521B\u5EFA Python \u73AF\u5883\u3002")
        End If
    End If
    If VBA.Len(message) > 0 Then VBA.MsgBox message, vbExclamation, "xlsx_tools"
Done:
End Sub

' True when the xlwings add-in (xlwings.xlam, installed by `xlwings addin install`) is open.
Private Function AddinLoaded() As Boolean
    Dim addin As Object
    On Error Resume Next
    Set addin = Application.Workbooks("xlwings.xlam")
    AddinLoaded = Not addin Is Nothing
End Function

' The interpreter path of the xlwings.conf sheet when it names a file that does not exist;
' "" when it exists, is a bare name such as python (looked up on PATH), or cannot be read.
Private Function MissingInterpreter() As String
    Dim setting As Object, path As String
    On Error GoTo Unknown
    Set setting = Me.Worksheets("xlwings.conf").Columns(1).Find(What:="Interpreter_Win", LookAt:=1) ' xlWhole
    If setting Is Nothing Then Exit Function
    path = "" & setting.Offset(0, 1).Value
    path = VBA.CreateObject("WScript.Shell").ExpandEnvironmentStrings(path)
    If VBA.InStr(path, "\") = 0 Then Exit Function
    If VBA.Len(VBA.Dir(path)) = 0 Then MissingInterpreter = path
    Exit Function
Unknown:
    MissingInterpreter = ""
End Function
